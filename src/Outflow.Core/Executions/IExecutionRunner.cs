namespace Outflow.Core.Executions;

/// <summary>Runs one execution from start to a terminal status (the engine's entry point).</summary>
public interface IExecutionRunner
{
    /// <summary>
    /// Claims the execution's lease and runs it. Returns how the attempt ended, so that the caller knows whether the
    /// execution ended, was handed back for shutdown, lost its lease, or is held by another process's live lease.
    /// </summary>
    Task<ExecutionRunResult> RunAsync(Guid executionId, CancellationToken cancellationToken);
}
