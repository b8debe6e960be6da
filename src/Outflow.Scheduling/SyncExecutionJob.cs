using Microsoft.Extensions.Hosting;
using Outflow.Core.Executions;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// The Quartz job of one sync. Quartz never runs two instances of one job key at once, and each sync has
/// its own job key, so executions of a sync never overlap within one healthy cluster, and the execution's lease
/// fences the writes of a node that the cluster took for dead. The job requests recovery: a firing whose node
/// died or shut down is fired again, on another node or after a restart, and resumes the execution from its
/// last checkpoint once the old lease has expired.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SyncExecutionJob(
    IExecutionRunner runner,
    ExecutionFollowUps followUps,
    IExecutionStore executions,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
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

        // A recovered firing needs no special step: when the node that ran it died, or was paused, its lease expires
        // and the claim takes the execution over, and until then the claim reports the lease as held elsewhere.
        // Shutdown reaches the runner through the host's stopping token too, so that an execution in the
        // middle of a batch stops and is requeued instead of being cut off when the process exits.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        ExecutionRunResult result;
        try
        {
            linked.Token.ThrowIfCancellationRequested();
            result = await runner.RunAsync(executionId, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Quartz can still fire a trigger on this node after shutdown began, such as the hand-back of an execution
            // this node just requeued. That firing would use up its trigger without running anything, so it hands the
            // execution back again, a little later, for another node or for this one after a restart.
            await QuartzExecutionDispatcher.HandBackAsync(
                context.Scheduler, context.JobDetail.Key, executionId, context.FireInstanceId, time.GetUtcNow().AddSeconds(2))
                .ConfigureAwait(false);
            return;
        }

        switch (result.Outcome)
        {
            case ExecutionRunOutcome.Ended or ExecutionRunOutcome.NotStarted:
                // A firing that could not start may be the recovery of one whose node ended the execution but died
                // before its follow-ups ran, so those run here too. They act only on a terminal execution.
                await followUps.RunAsync(executionId, cancellationToken).ConfigureAwait(false);
                break;
            case ExecutionRunOutcome.HeldElsewhere:
                // Another process holds a live lease, e.g. a node that Quartz took for dead while it was only paused. A
                // trigger at the lease's expiry tries again then, instead of firing in a loop until it expires. The
                // retry comes a second after the expiry, and never sooner than a second from now, so it cannot spin.
                var now = time.GetUtcNow();
                var retryAt = (result.HeldUntil is { } until && until > now ? until : now).AddSeconds(1);
                await QuartzExecutionDispatcher.HandBackAsync(
                    context.Scheduler, context.JobDetail.Key, executionId, context.FireInstanceId, retryAt)
                    .ConfigureAwait(false);
                break;
            case ExecutionRunOutcome.Requeued:
                await HandBackAfterShutdownAsync(context, executionId).ConfigureAwait(false);
                break;
            case ExecutionRunOutcome.LeaseLost:
                // The process that claimed the execution runs it and its follow-ups.
                break;
        }
    }

    /// <summary>
    /// Hands back an execution that the runner requeued because of shutdown. A new trigger on the same job does it:
    /// Quartz keeps it blocked until this firing ends, then another node fires it, or this one after a restart.
    /// </summary>
    private async Task HandBackAfterShutdownAsync(IJobExecutionContext context, Guid executionId)
    {
        if (await executions.GetByIdAsync(executionId, CancellationToken.None).ConfigureAwait(false) is { } execution
            && !execution.Status.IsTerminal())
        {
            await QuartzExecutionDispatcher.HandBackAsync(context.Scheduler, context.JobDetail.Key, executionId, context.FireInstanceId)
                .ConfigureAwait(false);
        }
    }
}
