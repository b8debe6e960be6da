using Microsoft.Extensions.Logging;
using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Scheduling;

/// <summary>
/// Starts what an execution's end makes due: the next execution of a continuous sync, and the <c>runafter</c>
/// syncs that list the sync, once each of their upstream syncs has finished an execution since they last ran.
/// </summary>
internal sealed class ExecutionFollowUps(
    IExecutionStore executions,
    ISyncStore syncs,
    QuartzSyncScheduler scheduler,
    ScheduledExecutionStarter starter,
    ILogger<ExecutionFollowUps> logger)
{
    private const int PageSize = 200;

    /// <summary>Runs the follow-ups of <paramref name="executionId"/> when it is terminal; logs and swallows failures.</summary>
    public async Task RunAsync(Guid executionId, CancellationToken cancellationToken)
    {
        var execution = await executions.GetByIdAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (execution is null || !execution.Status.IsTerminal())
        {
            return;
        }

        try
        {
            var sync = await syncs.GetAsync(execution.OrganizationId, execution.SyncId, cancellationToken).ConfigureAwait(false);
            if (sync is { Active: true } && scheduler.ParseOrManual(sync).IsContinuous)
            {
                await scheduler.ScheduleContinuousAsync(sync, execution, cancellationToken).ConfigureAwait(false);
            }

            // Test runs and dry runs do not stand for a sync's data, so they start no downstream sync.
            if (execution.Type is ExecutionTypes.Manual or ExecutionTypes.Scheduled)
            {
                await StartDownstreamAsync(execution, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.FollowUpFailed(logger, exception, execution.SyncId, execution.Id);
        }
    }

    private async Task StartDownstreamAsync(Execution upstream, CancellationToken cancellationToken)
    {
        ListCursor? after = null;
        while (true)
        {
            var page = await syncs.ListAsync(
                upstream.OrganizationId, new SyncListFilter(true, null, null), after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var downstream in page)
            {
                var conditions = scheduler.ParseOrManual(downstream).ConditionsAfter(upstream.SyncId).ToList();
                foreach (var condition in conditions)
                {
                    if (await IsDueAsync(downstream, condition.SyncIds, condition.SuccessOnly, cancellationToken).ConfigureAwait(false))
                    {
                        await starter.StartAsync(downstream, $"after sync {upstream.SyncId}", scheduledFor: null, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                }
            }

            if (page.Count < PageSize)
            {
                return;
            }

            after = new ListCursor(page[^1].UpdatedAt.ToUnixTimeMilliseconds(), page[^1].Id);
        }
    }

    /// <summary>
    /// Returns true when every upstream sync has finished an execution after <paramref name="downstream"/> last
    /// started one (or ever, when it never ran), and with <paramref name="successOnly"/> when each of those completed.
    /// </summary>
    private async Task<bool> IsDueAsync(
        Sync downstream, IReadOnlyList<Guid> upstreamIds, bool successOnly, CancellationToken cancellationToken)
    {
        var organizationId = downstream.OrganizationId;
        var last = await executions.GetLastFinishedAsync(organizationId, downstream.Id, cancellationToken).ConfigureAwait(false);
        var lastRan = last?.CreatedAt;
        foreach (var upstreamId in upstreamIds)
        {
            // NOTE: the latest finished execution may be a test run or dry run, which then counts like any other.
            var finished = await executions.GetLastFinishedAsync(organizationId, upstreamId, cancellationToken).ConfigureAwait(false);
            if (finished?.CompletedAt is not { } completedAt || (lastRan is not null && completedAt <= lastRan))
            {
                return false;
            }

            if (successOnly && finished.Status != ExecutionStatus.Completed)
            {
                return false;
            }
        }

        return true;
    }
}
