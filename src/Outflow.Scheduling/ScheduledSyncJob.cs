using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Outflow.Core.Syncs;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// The Quartz job that a sync's schedule trigger fires: it starts a <c>scheduled</c> execution, unless one is
/// unfinished, then schedules the next time-based start after now. A continuous sync's next start is scheduled
/// when the execution ends instead. The job requests recovery, and the execution records the trigger's fire time,
/// so a firing repeated by recovery finds the execution it created instead of creating a second one.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledSyncJob(
    ISyncStore syncs,
    ScheduledExecutionStarter starter,
    QuartzSyncScheduler scheduler,
    RunningJobs runningJobs,
    ILogger<ScheduledSyncJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var running = runningJobs.Enter();
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
            var started = await starter.StartAsync(sync, reason, ScheduledFor(context), cancellationToken).ConfigureAwait(false);
            if (schedule.IsContinuous && started)
            {
                return;
            }
        }

        await ApplyNextAsync(organizationId, syncId, context.Trigger.Key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The start time this firing is for: the fire time that the trigger's name records, which for a recovering
    /// firing is the name of the trigger whose firing it repeats, or else Quartz's scheduled fire time.
    /// </summary>
    private static DateTimeOffset? ScheduledFor(IJobExecutionContext context)
    {
        var key = context.Recovering ? context.RecoveringTriggerKey : context.Trigger.Key;
        return QuartzSyncScheduler.TryParseStart(key) ?? context.ScheduledFireTimeUtc;
    }

    /// <summary>
    /// Schedules the next start from the sync as stored now, because an api process may have deactivated or deleted
    /// the sync, and removed its job, since this firing read it. The sync is read again after scheduling too: a change
    /// that landed in between has either removed the new trigger already or is seen here and withdrawn.
    /// </summary>
    private async Task ApplyNextAsync(Guid organizationId, Guid syncId, TriggerKey firing, CancellationToken cancellationToken)
    {
        var sync = await syncs.GetAsync(organizationId, syncId, cancellationToken).ConfigureAwait(false);
        if (sync is not { Active: true })
        {
            await scheduler.ClearFiringAsync(syncId, firing, cancellationToken).ConfigureAwait(false);
            return;
        }

        JobPersistenceException? failure = null;
        try
        {
            await scheduler.ApplyAsync(sync, firing, cancellationToken).ConfigureAwait(false);
        }
        catch (JobPersistenceException exception)
        {
            // Quartz rejects the trigger when the job it references was deleted after it was added, which the
            // deactivation or deletion of the sync does. Any other cause is raised below.
            failure = exception;
        }

        var withdrawn = await IsWithdrawnAsync(organizationId, syncId, cancellationToken).ConfigureAwait(false);
        if (failure is not null && !withdrawn)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        if (withdrawn)
        {
            await scheduler.ClearFiringAsync(syncId, firing, cancellationToken).ConfigureAwait(false);
            Log.ScheduleWithdrawn(logger, syncId);
        }
    }

    private async Task<bool> IsWithdrawnAsync(Guid organizationId, Guid syncId, CancellationToken cancellationToken) =>
        await syncs.GetAsync(organizationId, syncId, cancellationToken).ConfigureAwait(false) is not { Active: true };
}
