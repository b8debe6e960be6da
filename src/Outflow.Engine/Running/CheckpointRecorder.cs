using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Logs;
using Outflow.Engine.Planning;
using Outflow.Engine.Scratch;

namespace Outflow.Engine.Running;

/// <summary>
/// Turns what the target did into counts, record log lines and state changes, and commits them in checkpoints, each
/// of one or more confirmed writes. Keeps the execution's running counts.
/// </summary>
internal sealed class CheckpointRecorder(
    ISyncStateStore state, LeaseKeeper lease, Guid syncId, Guid executionId, SyncPlan plan, RecordLogWriter logs,
    ExecutionCounts initialCounts, EngineOptions options, TimeProvider time)
{
    // The changes and counts of writes recorded since the last checkpoint, which the next checkpoint commits.
    private List<StateChange> _unsaved = [];
    private ExecutionCounts _unsavedCounts = ExecutionCounts.Zero;
    private int _unsavedRecords;
    private long _lastCheckpoint = time.GetTimestamp();

    /// <summary>The execution's counts as of its last checkpoint.</summary>
    public ExecutionCounts Totals { get; private set; } = initialCounts;

    /// <summary>The counts of every write recorded so far, including those whose checkpoint is still to come.</summary>
    public ExecutionCounts Recorded => Totals + _unsavedCounts;

    /// <summary>
    /// Whether the writes recorded since the last checkpoint hold enough records, or waited long enough, to commit.
    /// Appended and snapshot records have no identity, so a crash before their checkpoint would append them twice:
    /// each of their writes is checkpointed at once.
    /// </summary>
    public bool CheckpointDue =>
        _unsavedRecords > 0
        && (plan.Mode is SyncMode.Append or SyncMode.Snapshot
            || _unsavedRecords >= options.CheckpointRecords
            || time.GetElapsedTime(_lastCheckpoint) >= options.CheckpointInterval);

    public SyncPlan Plan => plan;

    /// <summary>
    /// Takes back the error and warning counts of an earlier attempt of this execution: a resumed run meets those
    /// records again, because none of them advanced the state, and counts them anew.
    /// </summary>
    public Task ResetRecountedAsync(CancellationToken cancellationToken)
    {
        if (Totals.Error == 0 && Totals.Warnings == 0)
        {
            return Task.CompletedTask;
        }

        var delta = new ExecutionCounts(Total: -Totals.Error, Error: -Totals.Error, Warnings: -Totals.Warnings);
        return CheckpointAsync([], delta, cancellationToken);
    }

    /// <summary>Writes an error or warning line. The caller counts it in its next checkpoint.</summary>
    public void LogRecord(RecordLogType type, object? identity, string key, string message, ReadOnlySpan<object?> values)
    {
        IReadOnlyList<string> names = values.Length == 0 ? [] : plan.TargetFields;
        logs.Write(type, identity, key, message, names, values);
    }

    /// <summary>
    /// Records the identities of write number <paramref name="batch"/> before it starts, so that a run after a crash
    /// between the target's commit and the checkpoint marks them <see cref="StateChange.Unconfirmed"/> (new records) or
    /// <see cref="StateChange.UnconfirmedKnown"/> (the others) and writes them again or deletes them, instead of trusting
    /// state that the lost checkpoint never updated. The checkpoint that commits the write removes them. Appended
    /// records have no identity to match, so they are not recorded.
    /// </summary>
    public Task SetInFlightAsync(long batch, IReadOnlyList<WriteItem> items, CancellationToken cancellationToken)
    {
        if (plan.IsTest || plan.IsDryRun)
        {
            return Task.CompletedTask;
        }

        var identities = InFlightEntries(items);
        return identities.Count == 0
            ? Task.CompletedTask
            : state.SetInFlightAsync(syncId, executionId, lease.Token, batch, identities, cancellationToken);
    }

    /// <summary>
    /// Records the target's results of one confirmed write: writes its record log lines, and keeps its state changes and
    /// counts for the next checkpoint (<see cref="CheckpointRecordedAsync"/>). Returns the counts it added.
    /// </summary>
    public ExecutionCounts RecordResults(IReadOnlyList<WriteItem> items, IReadOnlyList<RecordResult> results)
    {
        var changes = _unsaved;
        long inserts = 0, updates = 0, upserts = 0, deletes = 0, errors = 0, warnings = 0;

        // Remove mode keeps the row hash of a record it deleted, so an unchanged row is not deleted again.
        var keepDeleted = plan.Mode == SyncMode.Remove;
        for (var i = 0; i < items.Count; i++)
        {
            var (pending, record) = items[i];
            var result = results[i];
            var isUpsert = record.Operation == RecordOperation.Upsert;
            IReadOnlyList<string> names = record.Values.Length == 0 ? [] : plan.TargetFields;
            switch (AsFirstWrite(pending, record.Operation, result.Outcome))
            {
                case RecordOutcome.Inserted:
                    inserts++;
                    upserts += isUpsert ? 1 : 0;
                    logs.WriteChange(RecordLogType.Inserts, pending.Identity, names, record.Values);
                    changes.Add(new StateChange(pending.IdentityHash, pending.Identity, pending.RowHash));
                    break;
                case RecordOutcome.Updated:
                    updates++;
                    upserts += isUpsert ? 1 : 0;
                    logs.WriteChange(RecordLogType.Updates, pending.Identity, names, record.Values);
                    changes.Add(new StateChange(pending.IdentityHash, pending.Identity, pending.RowHash));
                    break;
                case RecordOutcome.Skipped:
                    // The target already had the record and kept it: nothing was written, but the row is settled.
                    changes.Add(new StateChange(pending.IdentityHash, pending.Identity, pending.RowHash));
                    break;
                case RecordOutcome.Deleted:
                    deletes++;
                    logs.WriteChange(RecordLogType.Deletes, pending.Identity, names, record.Values);
                    changes.Add(new StateChange(pending.IdentityHash, pending.Identity, keepDeleted ? pending.RowHash : null));
                    break;
                case RecordOutcome.NotFound when record.Operation == RecordOperation.Delete:
                    // Someone else already removed it: the target already matches what the mode requires, with nothing to count.
                    changes.Add(new StateChange(pending.IdentityHash, pending.Identity, keepDeleted ? pending.RowHash : null));
                    break;
                case RecordOutcome.NotFound:
                    warnings++;
                    LogRecord(
                        RecordLogType.Warnings, pending.Identity, RecordLogKeys.RecordNotFound,
                        result.Message ?? $"no target record has identity {pending.Identity}, and update mode does not create records",
                        record.Values);
                    break;
                default:
                    errors++;
                    LogRecord(
                        RecordLogType.Errors, pending.Identity, RecordLogKeys.TargetRejected,
                        result.Message ?? "the target rejected the record without a message", record.Values);
                    break;
            }

            if (result.Warning is not null && result.Outcome is RecordOutcome.Inserted or RecordOutcome.Updated)
            {
                warnings++;
                LogRecord(RecordLogType.Warnings, pending.Identity, RecordLogKeys.ValueCoerced, result.Warning, record.Values);
            }
        }

        var delta = new ExecutionCounts(
            Total: inserts + updates + deletes + errors,
            Insert: inserts,
            Update: updates,
            Upserts: upserts,
            Delete: deletes,
            Error: errors,
            Warnings: warnings);
        _unsavedCounts += delta;
        _unsavedRecords += items.Count;
        return delta;
    }

    /// <summary>
    /// Commits the writes recorded since the last checkpoint, if any, and removes their batches in flight: those numbered
    /// up to <paramref name="settledBatch"/>, or all of the execution's when it is null. A write that started since
    /// keeps its records in flight.
    /// </summary>
    /// <exception cref="LeaseLostException">The lease was lost, so nothing was committed.</exception>
    public Task CheckpointRecordedAsync(long? settledBatch, CancellationToken cancellationToken) =>
        _unsavedRecords == 0 ? Task.CompletedTask : CommitAsync(settledBatch, cancellationToken);

    /// <summary>
    /// Returns the outcome to count for a record. A record that an earlier attempt of the execution was writing when it
    /// crashed (<see cref="PendingRecord.Replayed"/>) may have reached the target before the crash, and then its resend
    /// finds the record that the first write created, or nothing left to delete. Such a record is counted as the first
    /// write, so a resumed execution counts each record once, as an execution without the crash would. A record that the
    /// earlier attempt was creating, and whose row has since left the model, is deleted in case it arrived. It counts as
    /// nothing, because an execution that read the model without that row would never have written it.
    /// </summary>
    /// <remarks>
    /// NOTE: a record that the target already had before the first write, for another reason, still counts as the
    /// first write, whether or not that write took effect. A new record counts as inserted, where a run without the
    /// crash would count it as updated or, in create mode, skip it. A delete that finds nothing counts as deleted, where
    /// such a run would count nothing. If the row of such a new record leaves the model, the record is deleted and
    /// counted as nothing.
    /// </remarks>
    private static RecordOutcome AsFirstWrite(PendingRecord pending, RecordOperation operation, RecordOutcome outcome) =>
        pending.Replayed switch
        {
            // A record absent from the model counts as nothing, unlike a model row that remove mode deletes.
            true when pending.IsNew && operation == RecordOperation.Delete && pending.IsAbsent
                && outcome is RecordOutcome.Deleted or RecordOutcome.NotFound => RecordOutcome.NotFound,
            // An update-mode record is an update whether or not an earlier attempt wrote it.
            true when pending.IsNew && operation != RecordOperation.Update
                && outcome is RecordOutcome.Updated or RecordOutcome.Skipped => RecordOutcome.Inserted,
            true when operation == RecordOperation.Delete && outcome == RecordOutcome.NotFound => RecordOutcome.Deleted,
            _ => outcome,
        };

    /// <summary>
    /// Commits state changes and counts, together with any writes recorded since the last checkpoint, and removes every
    /// batch of the execution in flight. For work outside the writes, so no write may be in progress.
    /// </summary>
    /// <exception cref="LeaseLostException">The lease was lost, so nothing was committed.</exception>
    public Task CheckpointAsync(IReadOnlyList<StateChange> changes, ExecutionCounts delta, CancellationToken cancellationToken)
    {
        _unsaved.AddRange(changes);
        _unsavedCounts += delta;
        return CommitAsync(null, cancellationToken);
    }

    /// <summary>
    /// Flushes the record logs, then commits the unsaved state changes and counts in one store transaction, fenced by
    /// the lease, and removes the batches in flight up to <paramref name="settledBatch"/> (all when null).
    /// </summary>
    private async Task CommitAsync(long? settledBatch, CancellationToken cancellationToken)
    {
        logs.Flush();

        // A test run writes records and a dry run pretends to, but both leave change-detection state as it was.
        var stateChanges = plan.IsTest || plan.IsDryRun ? [] : _unsaved;
        await lease.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
        await state.CheckpointAsync(syncId, executionId, lease.Token, stateChanges, _unsavedCounts, cancellationToken, settledBatch)
            .ConfigureAwait(false);
        Totals += _unsavedCounts;
        _unsaved = [];
        _unsavedCounts = ExecutionCounts.Zero;
        _unsavedRecords = 0;
        _lastCheckpoint = time.GetTimestamp();
    }

    private static List<StateEntry> InFlightEntries(IReadOnlyList<WriteItem> items)
    {
        var identities = new List<StateEntry>(items.Count);
        foreach (var (pending, record) in items)
        {
            if (record.Operation != RecordOperation.Append)
            {
                var mark = pending.IsNew ? StateChange.Unconfirmed : StateChange.UnconfirmedKnown;
                identities.Add(new StateEntry(pending.IdentityHash, pending.Identity, mark));
            }
        }

        return identities;
    }
}
