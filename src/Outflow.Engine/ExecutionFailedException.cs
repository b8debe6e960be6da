namespace Outflow.Engine;

/// <summary>The execution cannot go on; <see cref="Exception.Message"/> is shown to the user in the execution's errors.</summary>
internal sealed class ExecutionFailedException(string message, Exception? innerException = null)
    : Exception(message, innerException)
{
}
