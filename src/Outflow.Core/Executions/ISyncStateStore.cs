namespace Outflow.Core.Executions;

/// <summary>
/// Change-detection state: for each sync, the records it wrote (identity hash → row hash), advanced only in
/// the checkpoint that follows a batch the target confirmed.
/// </summary>
public interface ISyncStateStore
{
    /// <summary>Returns the state entries of those identity hashes that the sync has written.</summary>
    Task<IReadOnlyDictionary<UInt128, StateEntry>> LookupAsync(
        Guid syncId, IReadOnlyCollection<UInt128> identityHashes, CancellationToken cancellationToken);

    /// <summary>Streams every state entry of the sync, ordered by identity hash.</summary>
    IAsyncEnumerable<StateEntry> ReadAllAsync(Guid syncId, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the hashes of every state entry of the sync, ordered by identity hash. Without the identities the read
    /// costs less, and <see cref="LookupAsync"/> finds those that are needed.
    /// </summary>
    IAsyncEnumerable<StateHashes> ReadHashesAsync(Guid syncId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the state changes and adds <paramref name="countsDelta"/> to the execution's counts in one
    /// store transaction, and removes the execution's batches in flight (<see cref="SetInFlightAsync"/>) numbered up to
    /// <paramref name="settledBatch"/>, or all of them when it is null. Batches written after the checkpointed ones keep
    /// their records in flight. With a <paramref name="leaseToken"/>, commits only while that token holds the
    /// execution's lease, and throws <see cref="LeaseLostException"/> otherwise; null skips that check.
    /// </summary>
    Task CheckpointAsync(
        Guid syncId, Guid executionId, string? leaseToken, IReadOnlyList<StateChange> changes, ExecutionCounts countsDelta,
        CancellationToken cancellationToken, long? settledBatch = null);

    /// <summary>
    /// Records the identities of batch <paramref name="batch"/> of the execution before its write starts, beside the
    /// execution's other batches in flight, which are those written since its last checkpoint, and replacing an
    /// earlier record of the same number. The checkpoint that confirms the batch removes them. Fenced by the lease as
    /// the checkpoint is.
    /// </summary>
    /// <exception cref="LeaseLostException">The lease token no longer holds the execution, so nothing was stored.</exception>
    Task SetInFlightAsync(
        Guid syncId, Guid executionId, string? leaseToken, long batch, IReadOnlyList<StateEntry> identities,
        CancellationToken cancellationToken);

    /// <summary>
    /// Turns every batch in flight of the sync's executions into state entries with the row hash
    /// <see cref="StateChange.Unconfirmed"/>, and returns how many identities that marked. A batch is left in flight when
    /// its execution stopped between the write and its checkpoint, so the target may or may not hold its records. A run
    /// calls this before it compares the model with the state, and then writes those records again or deletes them.
    /// </summary>
    Task<int> ResolveInFlightAsync(Guid syncId, CancellationToken cancellationToken);
}
