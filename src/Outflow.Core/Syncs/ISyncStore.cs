namespace Outflow.Core.Syncs;

/// <summary>Syncs of an organization. Every lookup is scoped by organization id.</summary>
public interface ISyncStore
{
    /// <summary>
    /// Lists syncs by <c>updated_at</c> descending, then id descending, starting after <paramref name="after"/>.
    /// Returns at most <paramref name="limit"/> items.
    /// </summary>
    Task<IReadOnlyList<Sync>> ListAsync(
        Guid organizationId, SyncListFilter filter, ListCursor? after, int limit, CancellationToken cancellationToken);

    Task<Sync?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);

    /// <summary>Lists the active syncs of every organization, for the scheduler when it starts.</summary>
    Task<IReadOnlyList<Sync>> ListActiveAsync(CancellationToken cancellationToken);

    Task InsertAsync(Sync sync, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the sync's configuration. With <paramref name="clearState"/>, it also deletes the sync's state (the
    /// records it wrote) in the same transaction. Callers clear it when the target or identity changed, because
    /// otherwise <c>replace</c> could delete records of the new target that the sync never wrote.
    /// </summary>
    Task UpdateAsync(Sync sync, bool clearState, CancellationToken cancellationToken);

    /// <summary>Deletes the sync with its executions and change-detection state.</summary>
    Task DeleteAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);
}
