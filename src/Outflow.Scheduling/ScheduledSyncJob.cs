using Outflow.Core.Syncs;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// The Quartz job that a sync's schedule trigger fires: it starts a <c>scheduled</c> execution, unless one is
/// unfinished, then schedules the next time-based start after now. A continuous sync's next start is scheduled
/// when the execution ends instead.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledSyncJob(
    ISyncStore syncs,
    ScheduledExecutionStarter starter,
    QuartzSyncScheduler scheduler) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        if (!Guid.TryParse(data.GetString(QuartzSyncScheduler.OrganizationIdKey), out var organizationId)
            || !Guid.TryParse(data.GetString(QuartzSyncScheduler.SyncIdKey), out var syncId))
        {
            return;
        }

        var sync = await syncs.GetAsync(organizationId, syncId, cancellationToken).ConfigureAwait(false);
        if (sync is null)
        {
            await scheduler.RemoveAsync(syncId, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (sync.Active)
        {
            var schedule = scheduler.ParseOrManual(sync);
            var reason = schedule.IsContinuous ? "continuous" : "schedule";
            var started = await starter.StartAsync(sync, reason, cancellationToken).ConfigureAwait(false);
            if (schedule.IsContinuous && started)
            {
                return;
            }
        }

        await scheduler.ApplyAsync(sync, context.Trigger.Key, cancellationToken).ConfigureAwait(false);
    }
}
