using Microsoft.Extensions.Hosting;
using Outflow.Core.Executions;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// The Quartz job of one sync. Quartz never runs two instances of one job key at once, and each sync has
/// its own job key, so executions of a sync never overlap. The job requests recovery: a firing whose node
/// died or shut down is fired again, on another node or after a restart, and resumes the execution from its
/// last checkpoint.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SyncExecutionJob(
    IExecutionRunner runner,
    ExecutionFollowUps followUps,
    IExecutionStore executions,
    IHostApplicationLifetime lifetime,
    RunningJobs runningJobs) : IJob
{
    public const string ExecutionIdKey = "execution_id";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var running = runningJobs.Enter();
        var text = context.MergedJobDataMap.GetString(ExecutionIdKey);
        if (!Guid.TryParse(text, out var executionId))
        {
            return;
        }

        // NOTE: a node that was only paused past the cluster's check-in threshold is recovered while its firing still
        // runs, and nothing stops the paused runner from writing when it resumes.
        if (context.Recovering)
        {
            // The node that ran this firing stopped, so the execution may still read running, and the runner
            // starts only created or queued executions.
            await RequeueIfStartedAsync(executionId, cancellationToken).ConfigureAwait(false);
        }

        // Shutdown reaches the runner through the host's stopping token too, so that an execution in the
        // middle of a batch stops and is requeued instead of being cut off when the process exits.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await runner.RunAsync(executionId, linked.Token).ConfigureAwait(false);

        // An execution stopped by shutdown is requeued, not ended, so it has no follow-ups yet.
        if (!linked.IsCancellationRequested)
        {
            await followUps.RunAsync(executionId, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The runner requeued the execution because of shutdown. A new trigger on the same job hands it back:
        // Quartz keeps it blocked until this firing ends, then another node fires it, or this one after a restart.
        if (await executions.GetByIdAsync(executionId, CancellationToken.None).ConfigureAwait(false) is { } execution
            && !execution.Status.IsTerminal())
        {
            await QuartzExecutionDispatcher.HandBackAsync(context.Scheduler, context.JobDetail.Key, executionId, context.FireInstanceId)
                .ConfigureAwait(false);
        }
    }

    private async Task RequeueIfStartedAsync(Guid executionId, CancellationToken cancellationToken)
    {
        var execution = await executions.GetByIdAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (execution?.Status is ExecutionStatus.Running or ExecutionStatus.Canceling)
        {
            await executions.RequeueAsync(executionId, cancellationToken).ConfigureAwait(false);
        }
    }
}
