using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Scratch;

namespace Outflow.Engine.Running;

/// <summary>
/// Writes the pending rows to the target in batches by the sync's mode, then, for replace, deletes the records
/// the sync wrote that the complete read did not see.
/// </summary>
internal sealed class RecordWriter(
    ScratchDatabase scratch, BatchWriter writer, CheckpointRecorder recorder, CancellationPoller poller, int batchSize,
    ConsoleReporter console)
{
    /// <summary>Writes every pending row, checking for a cancel request before each batch.</summary>
    public async Task WriteChangesAsync(CancellationToken cancellationToken)
    {
        var plan = recorder.Plan;
        var operation = plan.Mode switch
        {
            SyncMode.Create => RecordOperation.Insert,
            SyncMode.Update => RecordOperation.Update,
            SyncMode.UpdateOrCreate or SyncMode.Replace => RecordOperation.Upsert,
            SyncMode.Remove => RecordOperation.Delete,
            // NOTE: an appended batch the target committed just before a crash, and before its checkpoint, is
            // appended again when the execution resumes, because such records carry no key the target could match.
            SyncMode.Append or SyncMode.Snapshot => RecordOperation.Append,
            _ => throw new ExecutionFailedException($"mode {plan.Mode.ToWire()} has no record operation"),
        };

        long after = 0;
        while (true)
        {
            await StopIfRequestedAsync(cancellationToken).ConfigureAwait(false);

            // Each batch is read once the one before is written, not beside that write: both cores are busy then, and
            // a third batch of decoded values would be alive.
            var (items, last) = ReadPending(after, operation);
            if (items.Count == 0)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            await writer.WriteAsync(items, plan.TargetFields, cancellationToken).ConfigureAwait(false);
            after = last;
        }
    }

    /// <summary>
    /// Reads up to one batch of pending rows after the row number <paramref name="after"/> as records of
    /// <paramref name="operation"/>, and returns them with the row number of the last.
    /// </summary>
    private (List<WriteItem> Items, long After) ReadPending(long after, RecordOperation operation)
    {
        var plan = recorder.Plan;
        var page = scratch.ReadPending(after, batchSize, plan.TargetFields.Count);
        var items = new List<WriteItem>(page.Count);
        foreach (var (rowId, pending, values) in page)
        {
            after = rowId;
            var identity = plan.IdentityFieldIndex >= 0 ? values[plan.IdentityFieldIndex] ?? pending.Identity : pending.Identity;
            items.Add(new WriteItem(pending, new TargetRecord(operation, identity, values)));
        }

        return (items, after);
    }

    /// <summary>
    /// Deletes every record in the sync's state whose identity the read did not see (<paramref name="absent"/> of
    /// them, collected by the diff). Only records the sync wrote are in its state, so records written by anyone else
    /// are never deleted.
    /// </summary>
    public async Task DeleteAbsentAsync(long absent, CancellationToken cancellationToken)
    {
        if (absent > 0)
        {
            await console.AbsentRecordsAsync(absent, deleting: true, cancellationToken).ConfigureAwait(false);
        }

        long after = 0;
        while (true)
        {
            await StopIfRequestedAsync(cancellationToken).ConfigureAwait(false);
            var page = scratch.ReadDeletes(after, batchSize);
            if (page.Count == 0)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var items = new List<WriteItem>(page.Count);
            foreach (var (rowId, pending) in page)
            {
                after = rowId;
                items.Add(new WriteItem(pending, new TargetRecord(RecordOperation.Delete, pending.Identity, [])));
            }

            await writer.WriteAsync(items, [], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Forgets the state entries of rows the read did not see, without touching the target. Appended and snapshot
    /// records stay, and a removed row that comes back is removed again.
    /// </summary>
    public async Task ForgetAbsentAsync(long absent, CancellationToken cancellationToken)
    {
        if (absent > 0)
        {
            await console.AbsentRecordsAsync(absent, deleting: false, cancellationToken).ConfigureAwait(false);
        }

        long after = 0;
        while (true)
        {
            poller.ThrowIfRequested();
            var page = scratch.ReadDeletes(after, batchSize);
            if (page.Count == 0)
            {
                return;
            }

            after = page[^1].RowId;
            var changes = page.ConvertAll(entry => new StateChange(entry.Record.IdentityHash, entry.Record.Identity, null));
            await recorder.CheckpointAsync(changes, ExecutionCounts.Zero, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checkpoints the last batch written and throws when a user requested cancellation.</summary>
    private async Task StopIfRequestedAsync(CancellationToken cancellationToken)
    {
        if (poller.IsRequested)
        {
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            poller.ThrowIfRequested();
        }
    }
}
