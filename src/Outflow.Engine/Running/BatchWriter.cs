using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Diagnostics;

namespace Outflow.Engine.Running;

/// <summary>
/// Sends records to the target. A transient failure is retried with exponential backoff and jitter. A batch the
/// target rejects as a whole is split in halves until each failing record is isolated, so every other record is
/// written. Each confirmed batch is recorded while the next batch is written, so the store and the target work at
/// once, and checkpointed with the batches before it once <see cref="CheckpointRecorder.CheckpointDue"/>. The
/// records of every batch written since the last checkpoint stay in flight until it commits, so a crash loses none.
/// </summary>
internal sealed class BatchWriter(
    ITargetConnector target,
    EngineServices services,
    CheckpointRecorder recorder,
    CancellationPoller poller,
    LeaseKeeper lease,
    Guid syncId,
    Guid executionId,
    ConsoleReporter console)
{
    private const int MaxDelayMilliseconds = 5 * 60 * 1000;

    private int _splits;

    // The number of the last write recorded in flight; each write has a number of its own.
    private long _batches;

    // The last batch the target confirmed, which is recorded during the next write or by FlushAsync.
    private ConfirmedWrite? _unrecorded;

    // The recording of the batch before the one being written, which runs beside the write.
    private Task<ExecutionCounts> _recording = Task.FromResult(ExecutionCounts.Zero);

    /// <summary>
    /// Writes one batch, and records the batch before it while the target works, with a checkpoint when one is due.
    /// Shutdown may interrupt the write, which the target then rolls back, but never a checkpoint of a write the
    /// target confirmed, so a requeued execution does not send a committed batch again. The batch itself is recorded
    /// by the next call or by <see cref="FlushAsync"/>.
    /// </summary>
    /// <exception cref="ExecutionFailedException">A transient failure outlasted every attempt, or the target misbehaved.</exception>
    public async Task WriteAsync(List<WriteItem> items, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var previous = _unrecorded;
        _unrecorded = null;
        var batch = ++_batches;
        await recorder.SetInFlightAsync(batch, items, cancellationToken).ConfigureAwait(false);

        // Recording writes log lines and a due checkpoint works synchronously on the store, so both run on another thread
        // while this one writes.
        var recording = previous is null
            ? Task.FromResult(ExecutionCounts.Zero)
            : Task.Run(() => RecordAsync(previous), CancellationToken.None);
        _recording = recording;
        IReadOnlyList<RecordResult> results;
        try
        {
            results = await WriteWithRetriesAsync(items, fields, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorException exception) when (!exception.IsTransient && items.Count > 1)
        {
            await ReportAsync(previous, recording, cancellationToken).ConfigureAwait(false);
            Log.BatchSplit(services.Logger, syncId, executionId, items.Count);
            await WriteSplitAsync(items, fields, cancellationToken).ConfigureAwait(false);
            await console.BatchWrittenAsync(items.Count, recorder.Recorded, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ConnectorException exception) when (!exception.IsTransient)
        {
            results = [new RecordResult(RecordOutcome.Failed, exception.Message)];
        }
        catch
        {
            // The batches confirmed before keep their counts. A failed checkpoint's exception replaces the write's,
            // because it leaves the state behind the target.
            await recording.ConfigureAwait(false);
            await recorder.CheckpointRecordedAsync(batch - 1, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        CrashPoints.Reach(CrashPoints.AfterTargetWrite);
        await ReportAsync(previous, recording, cancellationToken).ConfigureAwait(false);
        _unrecorded = new ConfirmedWrite(batch, items, results);
    }

    /// <summary>Records the last confirmed batch, if it is still to be recorded, and checkpoints every recorded batch.</summary>
    /// <param name="cancellationToken">Stops the progress report only, never the checkpoint.</param>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var previous = _unrecorded;
        _unrecorded = null;
        var delta = previous is null ? ExecutionCounts.Zero : recorder.RecordResults(previous.Items, previous.Results);
        await recorder.CheckpointRecordedAsync(null, CancellationToken.None).ConfigureAwait(false);
        await ReportAsync(previous, Task.FromResult(delta), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a confirmed write and, when one is due, checkpoints it with the writes recorded before it.</summary>
    private async Task<ExecutionCounts> RecordAsync(ConfirmedWrite write)
    {
        var delta = recorder.RecordResults(write.Items, write.Results);
        if (recorder.CheckpointDue)
        {
            await recorder.CheckpointRecordedAsync(write.Batch, CancellationToken.None).ConfigureAwait(false);
        }

        return delta;
    }

    /// <summary>Waits for <paramref name="recording"/> of <paramref name="previous"/>, then reports its progress and record issues.</summary>
    private async Task ReportAsync(ConfirmedWrite? previous, Task<ExecutionCounts> recording, CancellationToken cancellationToken)
    {
        var delta = await recording.ConfigureAwait(false);
        if (previous is not null)
        {
            console.AddBatchIssues(previous.Items.Count, 0, delta.Error, delta.Warnings);
            await console.BatchWrittenAsync(previous.Items.Count, recorder.Recorded, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a batch that the target rejected as a whole in halves, each checkpointed before the next, until each
    /// failing record is isolated.
    /// </summary>
    private async Task WriteSplitAsync(
        List<WriteItem> items, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var before = recorder.Recorded;
        _splits = 0;
        await SplitAsync(items, 0, items.Count, fields, cancellationToken).ConfigureAwait(false);
        var after = recorder.Recorded;
        console.AddBatchIssues(items.Count, _splits, after.Error - before.Error, after.Warnings - before.Warnings);
    }

    private async Task SplitAsync(
        List<WriteItem> items, int start, int count, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        _splits++;
        var half = count / 2;
        await WriteRangeAsync(items, start, half, fields, cancellationToken).ConfigureAwait(false);
        poller.ThrowIfRequested();
        await WriteRangeAsync(items, start + half, count - half, fields, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteRangeAsync(
        List<WriteItem> items, int start, int count, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var slice = items.GetRange(start, count);
        await recorder.SetInFlightAsync(++_batches, slice, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RecordResult> results;
        try
        {
            results = await WriteWithRetriesAsync(slice, fields, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorException exception) when (!exception.IsTransient)
        {
            if (count == 1)
            {
                results = [new RecordResult(RecordOutcome.Failed, exception.Message)];
            }
            else
            {
                // A retry may have marked records of the slice as replayed, and the halves keep those marks.
                for (var i = 0; i < count; i++)
                {
                    items[start + i] = slice[i];
                }

                Log.BatchSplit(services.Logger, syncId, executionId, count);
                await SplitAsync(items, start, count, fields, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        CrashPoints.Reach(CrashPoints.AfterTargetWrite);
        recorder.RecordResults(slice, results);
        await recorder.CheckpointRecordedAsync(null, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RecordResult>> WriteWithRetriesAsync(
        List<WriteItem> slice, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var plan = recorder.Plan;
        var batch = new WriteBatch(plan.TargetObject, plan.IdentityTargetField, fields, slice.ConvertAll(item => item.Record))
        {
            CreateOnlyFields = plan.CreateOnlyFields,
            ExecutionId = executionId,
            RetryReporter = (retry, token) => console.BatchRetriedAsync(
                retry.Records, retry.Attempt, retry.MaxAttempts, retry.Delay, retry.Reason, token),
            BeforeCommit = lease.EnsureHeldAsync,
            // A replayed record may be in the target already, from the write that it replays.
            RecordsAreNew = slice.TrueForAll(item => item.Pending is { IsNew: true, Replayed: false }),
        };
        var maxAttempts = services.Options.MaxAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Database targets check the lease again right before their commit (BeforeCommit), and their server
                // ends a write session that idles inside its transaction for a third of the lease, so a pause after
                // either check rolls the batch back.
                // NOTE: webhook, files and sqlite targets have no such fence, so after a pause between this check and
                // the end of their write, one batch can still land after the lease expired. Its fenced checkpoint
                // then fails, and the new owner writes those records again.
                await lease.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
                var results = plan.IsDryRun
                    ? await PredictAsync(slice, cancellationToken).ConfigureAwait(false)
                    : await target.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                if (results.Count != slice.Count)
                {
                    throw new ExecutionFailedException(
                        $"the target connector returned {results.Count} results for {slice.Count} records of object " +
                        $"\"{plan.TargetObject}\". This is a connector bug, so the execution stopped to keep counts correct");
                }

                return results;
            }
            catch (ConnectorException exception) when (exception.IsTransient)
            {
                if (attempt >= maxAttempts)
                {
                    throw new ExecutionFailedException(
                        $"writing {slice.Count} records to \"{plan.TargetObject}\" failed after {attempt} attempts: " +
                        $"{exception.Message}. Records confirmed before are kept, and the next execution resumes from there.",
                        exception);
                }

                // The batches confirmed before this one are checkpointed first, so their counts do not wait for the retry.
                await _recording.ConfigureAwait(false);
                await recorder.CheckpointRecordedAsync(_batches - 1, CancellationToken.None).ConfigureAwait(false);
                var delay = RetryDelay(attempt);
                Log.BatchRetried(
                    services.Logger, syncId, executionId, slice.Count, attempt, maxAttempts,
                    (long)delay.TotalMilliseconds, exception.Message);
                await console.BatchRetriedAsync(slice.Count, attempt, maxAttempts, delay, exception.Message, cancellationToken)
                    .ConfigureAwait(false);

                // A cancel request may end the wait at once: the failed attempt committed nothing, or what it
                // committed is in flight, which the next run resolves.
                using (var stoppable = poller.Link(cancellationToken))
                {
                    await Task.Delay(delay, services.Time, stoppable.Token).ConfigureAwait(false);
                }

                poller.ThrowIfRequested();

                // A failure during the commit may have left the batch written, so the next attempt's records count as
                // the first write, and the target uses its usual writes, which accept records that exist.
                if (exception.MayHaveCommitted)
                {
                    for (var i = 0; i < slice.Count; i++)
                    {
                        slice[i] = slice[i] with { Pending = slice[i].Pending with { Replayed = true } };
                    }

                    batch = batch with { RecordsAreNew = false };
                }
            }
        }
    }

    /// <summary>
    /// Predicts, for a dry run, what the target would do with each record, by asking it which identities it has.
    /// Records without identity are always new.
    /// </summary>
    private async Task<IReadOnlyList<RecordResult>> PredictAsync(List<WriteItem> slice, CancellationToken cancellationToken)
    {
        var plan = recorder.Plan;
        if (plan.IdentityTargetField is null)
        {
            return slice.ConvertAll(_ => new RecordResult(RecordOutcome.Inserted));
        }

        var exists = await target.ContainsAsync(
            plan.TargetObject, plan.IdentityTargetField, slice.ConvertAll(item => item.Record.Identity), cancellationToken).ConfigureAwait(false);
        if (exists.Count != slice.Count)
        {
            throw new ExecutionFailedException(
                $"the target connector answered {exists.Count} lookups for {slice.Count} records of object \"{plan.TargetObject}\". " +
                "This is a connector bug, so the dry run stopped");
        }

        var results = new RecordResult[slice.Count];
        for (var i = 0; i < slice.Count; i++)
        {
            var found = exists[i];
            results[i] = new RecordResult(slice[i].Record.Operation switch
            {
                RecordOperation.Insert => found ? RecordOutcome.Skipped : RecordOutcome.Inserted,
                RecordOperation.Upsert => found ? RecordOutcome.Updated : RecordOutcome.Inserted,
                RecordOperation.Update => found ? RecordOutcome.Updated : RecordOutcome.NotFound,
                RecordOperation.Delete => found ? RecordOutcome.Deleted : RecordOutcome.NotFound,
                _ => RecordOutcome.Inserted,
            });
        }

        return results;
    }

    /// <summary>Doubles the base delay per attempt and spreads it by ±50% so that workers do not retry in step.</summary>
    private TimeSpan RetryDelay(int attempt)
    {
        var exponential = services.Options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var jittered = exponential * (0.5 + Random.Shared.NextDouble());
        return TimeSpan.FromMilliseconds(Math.Min(jittered, MaxDelayMilliseconds));
    }

    /// <summary>A batch the target confirmed, with the target's result for each of its records.</summary>
    private sealed record ConfirmedWrite(long Batch, List<WriteItem> Items, IReadOnlyList<RecordResult> Results);
}
