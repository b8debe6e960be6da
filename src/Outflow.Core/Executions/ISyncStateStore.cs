namespace Outflow.Core.Executions;

/// <summary>
/// Change-detection state: for each sync, the records it wrote (identity hash → row hash), advanced only in
/// the checkpoint that follows a batch the target confirmed.
/// </summary>
public interface ISyncStateStore
{
    /// <summary>Returns the row hashes stored for those identity hashes that the sync has written.</summary>
    Task<IReadOnlyDictionary<UInt128, UInt128>> LookupAsync(
        Guid syncId, IReadOnlyCollection<UInt128> identityHashes, CancellationToken cancellationToken);

    /// <summary>Streams every state entry of the sync, ordered by identity hash.</summary>
    IAsyncEnumerable<StateEntry> ReadAllAsync(Guid syncId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the state changes and adds <paramref name="countsDelta"/> to the execution's counts in one
    /// store transaction. With a <paramref name="leaseToken"/>, commits only while that token holds the execution's
    /// lease, and throws <see cref="LeaseLostException"/> otherwise; null skips that check.
    /// </summary>
    Task CheckpointAsync(
        Guid syncId, Guid executionId, string? leaseToken, IReadOnlyList<StateChange> changes, ExecutionCounts countsDelta,
        CancellationToken cancellationToken);
}
