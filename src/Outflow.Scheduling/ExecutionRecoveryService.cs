using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;

namespace Outflow.Scheduling;

/// <summary>
/// Dispatches, at start, the executions that a stopped process left unfinished: running ones go back to
/// <c>queued</c> and resume from their last checkpoint, queued ones are dispatched again.
/// </summary>
internal sealed class ExecutionRecoveryService(
    IExecutionStore executions,
    IExecutionDispatcher dispatcher,
    ILogger<ExecutionRecoveryService> logger) : IHostedService
{
    // NOTE: in the embedded mode one process owns every execution, so anything unfinished at start was
    // left by a previous process. Several workers on one store need leases before this is safe.
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var unfinished = await executions.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        foreach (var execution in unfinished)
        {
            if (execution.Status is ExecutionStatus.Running or ExecutionStatus.Canceling)
            {
                await executions.RequeueAsync(execution.Id, cancellationToken).ConfigureAwait(false);
            }

            Log.ExecutionRecovered(logger, execution.SyncId, execution.Id, execution.Status.ToWire());
            await dispatcher.DispatchAsync(execution.SyncId, execution.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
