using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Core.Syncs;

namespace Outflow.Scheduling;

/// <summary>
/// Applies, at start, the schedule of every active sync: an existing trigger is kept, so that a start missed while
/// the process was down still fires once, and a missing one is created.
/// </summary>
internal sealed class ScheduleReconciliationService(
    ISyncStore syncs,
    QuartzSyncScheduler scheduler,
    ILogger<ScheduleReconciliationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var sync in await syncs.ListActiveAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await scheduler.ReconcileAsync(sync, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One sync's failure must not keep the others unscheduled; its next change applies it again.
                Log.SchedulingFailed(logger, exception, sync.Id);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
