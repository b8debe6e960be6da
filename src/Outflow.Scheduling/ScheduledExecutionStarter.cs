using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Scheduling;

/// <summary>
/// Starts scheduled executions the way Start Sync does: one unfinished execution per sync, stored first, then
/// dispatched to the sync's Quartz job.
/// </summary>
internal sealed class ScheduledExecutionStarter(
    IExecutionStore executions,
    IExecutionDispatcher dispatcher,
    TimeProvider time,
    ILogger<ScheduledExecutionStarter> logger)
{
    /// <summary>
    /// Creates and dispatches a <c>scheduled</c> execution for the start time <paramref name="scheduledFor"/>. Returns
    /// false when the sync already has an unfinished execution, or one for that start time.
    /// </summary>
    public async Task<bool> StartAsync(Sync sync, string reason, DateTimeOffset? scheduledFor, CancellationToken cancellationToken)
    {
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = sync.OrganizationId,
            SyncId = sync.Id,
            Status = ExecutionStatus.Queued,
            Type = ExecutionTypes.Scheduled,
            CreatedAt = time.GetUtcNow(),
            Configuration = sync.Configuration,
            ScheduledFor = scheduledFor,
        };
        var (stored, created) = await executions.CreateIfIdleAsync(execution, cancellationToken).ConfigureAwait(false);
        if (!created && scheduledFor is not null && stored.ScheduledFor == scheduledFor)
        {
            // When the firing that created the execution stopped before dispatching it, the orphan sweep dispatches it.
            Log.ScheduledStartRepeated(logger, sync.Id, scheduledFor.Value, stored.Id);
            return false;
        }

        if (!created)
        {
            Log.ScheduledStartSkipped(logger, sync.Id, stored.Id, reason);
            return false;
        }

        await dispatcher.DispatchAsync(sync.Id, stored.Id, cancellationToken).ConfigureAwait(false);
        Log.ScheduledStart(logger, sync.Id, stored.Id, reason);
        return true;
    }
}
