namespace Outflow.Core.Executions;

/// <summary>Runs one execution from start to a terminal status (the engine's entry point).</summary>
public interface IExecutionRunner
{
    Task RunAsync(Guid executionId, CancellationToken cancellationToken);
}
