namespace Outflow.Engine;

/// <summary>A user requested the execution's cancellation. What was checkpointed stays.</summary>
internal sealed class ExecutionCanceledException() : Exception("the execution was canceled by a user request")
{
}
