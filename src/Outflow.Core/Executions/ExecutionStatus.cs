namespace Outflow.Core.Executions;

/// <summary>The lifecycle of an execution (the wire's <c>UtilExecutionStatus</c>).</summary>
public enum ExecutionStatus
{
    Created,
    Scheduled,
    Queued,
    Waiting,
    Running,
    Processing,
    Canceling,
    Canceled,
    Completed,
    Failed,
    Interrupted,
}
