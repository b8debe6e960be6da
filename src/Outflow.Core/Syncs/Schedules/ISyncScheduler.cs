namespace Outflow.Core.Syncs.Schedules;

/// <summary>The triggers that start syncs on their schedules.</summary>
public interface ISyncScheduler
{
    /// <summary>
    /// Replaces the sync's trigger with one for its next scheduled start, or removes it when the sync is inactive or
    /// has no time-based or continuous schedule. Call it after the store write that changed the sync.
    /// </summary>
    Task ApplyAsync(Sync sync, CancellationToken cancellationToken);

    /// <summary>Removes the trigger of a deleted sync.</summary>
    Task RemoveAsync(Guid syncId, CancellationToken cancellationToken);

    /// <summary>Returns the time the sync's trigger fires next, in UTC, or null when it has none.</summary>
    Task<DateTimeOffset?> GetNextExecutionTimeAsync(Sync sync, CancellationToken cancellationToken);
}
