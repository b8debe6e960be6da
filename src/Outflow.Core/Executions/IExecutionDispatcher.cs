namespace Outflow.Core.Executions;

/// <summary>Hands a created execution to a worker; one execution per sync runs at a time.</summary>
public interface IExecutionDispatcher
{
    Task DispatchAsync(Guid syncId, Guid executionId, CancellationToken cancellationToken);
}
