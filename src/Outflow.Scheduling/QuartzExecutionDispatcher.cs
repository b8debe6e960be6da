using Outflow.Core.Executions;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>Dispatches an execution by firing its sync's Quartz job once, now.</summary>
internal sealed class QuartzExecutionDispatcher(ISchedulerFactory schedulerFactory) : IExecutionDispatcher
{
    public async Task DispatchAsync(Guid syncId, Guid executionId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var jobKey = new JobKey(syncId.ToString(), "syncs");
        var job = JobBuilder.Create<SyncExecutionJob>()
            .WithIdentity(jobKey)
            .StoreDurably()
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(executionId.ToString(), "executions")
            .ForJob(jobKey)
            .UsingJobData(SyncExecutionJob.ExecutionIdKey, executionId.ToString())
            .StartNow()
            .Build();

        // Replacing the durable job is idempotent, so concurrent dispatches for one sync cannot collide.
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
