namespace Outflow.Core.Executions;

/// <summary>
/// Thrown when a write fenced by an execution lease finds that the lease token no longer matches, because another
/// process claimed the execution after the lease expired, or the execution ended or was deleted.
/// </summary>
public sealed class LeaseLostException : Exception
{
    public LeaseLostException()
    {
    }

    public LeaseLostException(string message)
        : base(message)
    {
    }

    public LeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
