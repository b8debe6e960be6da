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
        var jobKey = new JobKey(syncId.ToString(), "syncs");
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

    /// <summary>Returns whether Quartz holds a trigger for the execution, waiting or firing.</summary>
    public static async Task<bool> IsDispatchedAsync(IScheduler scheduler, Guid executionId, CancellationToken cancellationToken) =>
        await scheduler.Exists(TriggerKeyOf(executionId), cancellationToken).ConfigureAwait(false);

    private static TriggerKey TriggerKeyOf(Guid executionId) => new(executionId.ToString(), "executions");
}
