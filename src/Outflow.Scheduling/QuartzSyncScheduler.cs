using System.Globalization;
using Microsoft.Extensions.Logging;
using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Schedules;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// Keeps one Quartz trigger per scheduled sync, for its next start only: after each fire the job schedules the
/// occurrence after that, so a process that was down runs a missed start once, late, and never a backlog. The job
/// data are strings and the jobs are durable, so any Quartz job store can keep them.
/// </summary>
internal sealed class QuartzSyncScheduler(
    ISchedulerFactory schedulerFactory,
    IExecutionStore executions,
    SyncScheduleOptions options,
    TimeProvider time,
    ILogger<QuartzSyncScheduler> logger) : ISyncScheduler
{
    public const string Group = "schedules";
    public const string OrganizationIdKey = "organization_id";
    public const string SyncIdKey = "sync_id";

    // A schedule trigger's name is the sync's id, "@", and its fire time in this format, in UTC.
    private const string StartFormat = "yyyyMMdd'T'HHmmss.fff'Z'";
    private const int MaxDeleteAttempts = 3;

    public Task ApplyAsync(Sync sync, CancellationToken cancellationToken) =>
        ApplyAsync(sync, firing: null, cancellationToken);

    public async Task RemoveAsync(Guid syncId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        if (await DeleteJobAsync(scheduler, JobKeyOf(syncId), cancellationToken).ConfigureAwait(false))
        {
            Log.TriggerRemoved(logger, syncId);
        }
    }

    /// <summary>Returns the fire time that a schedule trigger's name records, or null for any other trigger.</summary>
    public static DateTimeOffset? TryParseStart(TriggerKey? key)
    {
        if (key is null || key.Group != Group)
        {
            return null;
        }

        var at = key.Name.LastIndexOf('@');
        return at >= 0 && DateTimeOffset.TryParseExact(
            key.Name[(at + 1)..], StartFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start)
            ? start
            : null;
    }

    /// <summary>Removes every trigger of the sync's schedule job except <paramref name="firing"/>, which Quartz removes itself.</summary>
    public Task ClearFiringAsync(Guid syncId, TriggerKey firing, CancellationToken cancellationToken) =>
        ClearAsync(syncId, firing, cancellationToken);

    public async Task<DateTimeOffset?> GetNextExecutionTimeAsync(Sync sync, CancellationToken cancellationToken)
    {
        if (!sync.Active)
        {
            return null;
        }

        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var triggers = await scheduler.GetTriggersOfJob(JobKeyOf(sync.Id), cancellationToken).ConfigureAwait(false);
        return triggers.Select(trigger => trigger.NextFireTimeUtc).Where(next => next is not null).Min();
    }

    /// <summary>
    /// Replaces the sync's trigger with one for its next start. <paramref name="firing"/> is the trigger whose job is
    /// running this call; Quartz removes it once the job returns, so it is left alone here.
    /// </summary>
    public async Task ApplyAsync(Sync sync, TriggerKey? firing, CancellationToken cancellationToken)
    {
        var next = await ComputeNextStartAsync(sync, cancellationToken).ConfigureAwait(false);
        if (next is null)
        {
            await ClearAsync(sync.Id, firing, cancellationToken).ConfigureAwait(false);
            return;
        }

        await ScheduleAtAsync(sync, next.Value, firing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// At start: keeps the trigger of a sync that still runs on a schedule, so that a start missed while the process
    /// was down fires once, and applies the schedule of any other sync.
    /// </summary>
    public async Task ReconcileAsync(Sync sync, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var triggers = await scheduler.GetTriggersOfJob(JobKeyOf(sync.Id), cancellationToken).ConfigureAwait(false);
        if (triggers.Count > 0 && sync.Active && ParseOrManual(sync) is { IsManual: false } schedule
            && (schedule.IsContinuous || schedule.Times.Count > 0))
        {
            return;
        }

        await ApplyAsync(sync, firing: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Schedules the next start of a continuous sync after one of its executions ended.</summary>
    public Task ScheduleContinuousAsync(Sync sync, Execution ended, CancellationToken cancellationToken) =>
        ScheduleAtAsync(sync, ContinuousStart(ended), firing: null, cancellationToken);

    private async Task<DateTimeOffset?> ComputeNextStartAsync(Sync sync, CancellationToken cancellationToken)
    {
        if (!sync.Active)
        {
            return null;
        }

        var schedule = ParseOrManual(sync);
        var now = time.GetUtcNow();
        if (!schedule.IsContinuous)
        {
            return schedule.GetNextOccurrence(now);
        }

        // While an execution is unfinished, its end schedules the next one.
        if (await executions.GetCurrentAsync(sync.OrganizationId, sync.Id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var last = await executions.GetLastFinishedAsync(sync.OrganizationId, sync.Id, cancellationToken).ConfigureAwait(false);
        return last is null ? now : Later(ContinuousStart(last), now);
    }

    /// <summary>The start after <paramref name="ended"/>: its end, or one interval after its start, whichever is later.</summary>
    private DateTimeOffset ContinuousStart(Execution ended)
    {
        var end = ended.CompletedAt ?? time.GetUtcNow();
        var start = ended.StartedAt ?? ended.CreatedAt;
        return Later(end, start + options.ContinuousInterval);
    }

    public SyncSchedule ParseOrManual(Sync sync)
    {
        try
        {
            return ScheduleParser.Parse(sync.Configuration.Schedule);
        }
        catch (OutflowException exception)
        {
            // Create and Update Sync validate schedules, so only a schedule stored by an older version can fail here.
            Log.SchedulingFailed(logger, exception, sync.Id);
            return SyncSchedule.Manual;
        }
    }

    private async Task ScheduleAtAsync(Sync sync, DateTimeOffset at, TriggerKey? firing, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var jobKey = JobKeyOf(sync.Id);

        // The trigger is named after its fire time, so two processes that schedule the same start concurrently
        // (an update and a fire, say) create one trigger, not two.
        var triggerKey = new TriggerKey(
            sync.Id.ToString() + "@" + at.UtcDateTime.ToString(StartFormat, CultureInfo.InvariantCulture), Group);
        foreach (var trigger in await scheduler.GetTriggersOfJob(jobKey, cancellationToken).ConfigureAwait(false))
        {
            if (!trigger.Key.Equals(firing) && !trigger.Key.Equals(triggerKey))
            {
                await scheduler.UnscheduleJob(trigger.Key, cancellationToken).ConfigureAwait(false);
            }
        }

        var job = JobBuilder.Create<ScheduledSyncJob>()
            .WithIdentity(jobKey)
            .UsingJobData(OrganizationIdKey, sync.OrganizationId.ToString())
            .UsingJobData(SyncIdKey, sync.Id.ToString())
            .StoreDurably()
            .RequestRecovery()
            .Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        var next = TriggerBuilder.Create()
            .WithIdentity(triggerKey)
            .ForJob(jobKey)
            .StartAt(at)
            .WithSimpleSchedule(schedule => schedule.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

        // Keep: of two callers scheduling the same start, the store keeps exactly one trigger.
        await scheduler.ScheduleTrigger(next, TriggerConflict.Keep, cancellationToken).ConfigureAwait(false);
        Log.TriggerScheduled(logger, sync.Id, at);
    }

    private async Task ClearAsync(Guid syncId, TriggerKey? firing, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var jobKey = JobKeyOf(syncId);
        var triggers = await scheduler.GetTriggersOfJob(jobKey, cancellationToken).ConfigureAwait(false);
        if (firing is null)
        {
            if (await DeleteJobAsync(scheduler, jobKey, cancellationToken).ConfigureAwait(false) && triggers.Count > 0)
            {
                Log.TriggerRemoved(logger, syncId);
            }

            return;
        }

        foreach (var trigger in triggers.Where(trigger => !trigger.Key.Equals(firing)))
        {
            await scheduler.UnscheduleJob(trigger.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes a job and its triggers, retrying a failure. Quartz lists the job's triggers and then removes each, and
    /// throws when a trigger vanished in between because a concurrent firing completed it.
    /// </summary>
    private async Task<bool> DeleteJobAsync(IScheduler scheduler, JobKey jobKey, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await scheduler.DeleteJob(jobKey, cancellationToken).ConfigureAwait(false);
            }
            catch (SchedulerException exception) when (attempt < MaxDeleteAttempts)
            {
                Log.DeleteJobRetried(logger, exception, jobKey.ToString(), attempt, MaxDeleteAttempts);
            }
        }
    }

    private static JobKey JobKeyOf(Guid syncId) => new(syncId.ToString(), Group);

    private static DateTimeOffset Later(DateTimeOffset first, DateTimeOffset second) => first > second ? first : second;
}
