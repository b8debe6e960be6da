namespace Outflow.Core.Connectors;

/// <summary>
/// Records to write to one target object. <see cref="IdentityField"/> is the target field that matches
/// records, null for batches of <see cref="RecordOperation.Append"/> records only; <see cref="Fields"/> are the
/// target fields each record's values go to (the identity field may be among them).
/// <see cref="CreateOnlyFields"/> are fields written when a record is created, and on update only while the
/// record's current value is null.
/// </summary>
public sealed record WriteBatch(
    string ObjectId,
    string? IdentityField,
    IReadOnlyList<string> Fields,
    IReadOnlyList<TargetRecord> Records)
{
    public IReadOnlySet<string> CreateOnlyFields { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The execution that writes the batch, or <see cref="Guid.Empty"/> outside an execution.</summary>
    public Guid ExecutionId { get; init; }

    /// <summary>
    /// The callback that a connector which retries requests itself awaits before each wait, so that the execution's
    /// console log shows the retry. It is null outside an execution.
    /// </summary>
    public Func<TargetRetry, CancellationToken, Task>? RetryReporter { get; init; }

    /// <summary>
    /// Check that the postgresql and mysql targets run after the batch's statements and right before its commit. It is
    /// null outside an execution. The engine checks the execution lease here, and an exception from it rolls the batch
    /// back and reaches the caller unchanged.
    /// </summary>
    public Func<CancellationToken, Task>? BeforeCommit { get; init; }

    /// <summary>
    /// True when none of the records is in the sync's state, as on a first sync, so the target most likely lacks them
    /// all. A connector may then first try a faster insert that fails as a whole when one of them exists, and fall back
    /// to its usual writes. The results must be the same either way.
    /// </summary>
    public bool RecordsAreNew { get; init; }
}
