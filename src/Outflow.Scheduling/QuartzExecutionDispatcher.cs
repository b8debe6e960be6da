using Outflow.Core.Executions;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// Dispatches an execution by firing its sync's Quartz job once, now. The trigger is stored in Quartz's job store,
/// so it survives a restart, and a trigger that could not fire on time (the process was down) fires once, late.
/// </summary>
internal sealed class QuartzExecutionDispatcher(ISchedulerFactory schedulerFactory) : IExecutionDispatcher
{
    public async Task DispatchAsync(Guid syncId, Guid executionId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var jobKey = JobKeyOf(syncId);
        var job = JobBuilder.Create<SyncExecutionJob>()
            .WithIdentity(jobKey)
            .StoreDurably()
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(TriggerKeyOf(executionId))
            .ForJob(jobKey)
            .UsingJobData(SyncExecutionJob.ExecutionIdKey, executionId.ToString())
            .StartNow()
            .WithSimpleSchedule(schedule => schedule.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

        // Replacing the durable job is idempotent, so concurrent dispatches for one sync cannot collide.
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        try
        {
            await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException)
        {
            // The trigger is named after the execution, so it exists only when the execution is already dispatched,
            // e.g. by the recovery of another process that started at the same time.
        }
    }

    /// <summary>
    /// Returns whether Quartz stores a trigger of the sync's job, waiting or firing, that carries the execution: the
    /// dispatched one, a hand-back after shutdown, or a recovery trigger of a firing whose process died.
    /// </summary>
    public static async Task<bool> IsDispatchedAsync(
        IScheduler scheduler, Guid syncId, Guid executionId, CancellationToken cancellationToken)
    {
        var triggers = await scheduler.GetTriggersOfJob(JobKeyOf(syncId), cancellationToken).ConfigureAwait(false);
        var text = executionId.ToString();
        return triggers.Any(trigger => trigger.JobDataMap.GetString(SyncExecutionJob.ExecutionIdKey) == text);
    }

    /// <summary>
    /// Schedules a new trigger that fires the execution again at <paramref name="startAt"/>, or now when null: for a
    /// firing that stops for shutdown, or one that found the execution's lease held by another process. Its name adds
    /// the firing's id to the execution's id, because the trigger of the firing still exists until it ends.
    /// </summary>
    public static async Task HandBackAsync(
        IScheduler scheduler, JobKey jobKey, Guid executionId, string fireInstanceId, DateTimeOffset? startAt = null)
    {
        var builder = TriggerBuilder.Create()
            .WithIdentity($"{executionId}/{fireInstanceId}", "executions")
            .ForJob(jobKey)
            .UsingJobData(SyncExecutionJob.ExecutionIdKey, executionId.ToString());
        var trigger = (startAt is { } start ? builder.StartAt(start) : builder.StartNow())
            .WithSimpleSchedule(schedule => schedule.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

        // The process may be stopping, so this last step runs without its token.
        await scheduler.ScheduleJob(trigger, cancellationToken: CancellationToken.None).ConfigureAwait(false);
    }

    private static JobKey JobKeyOf(Guid syncId) => new(syncId.ToString(), "syncs");

    private static TriggerKey TriggerKeyOf(Guid executionId) => new(executionId.ToString(), "executions");
}
