using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Diagnostics;

namespace Outflow.Engine.Running;

/// <summary>
/// Sends records to the target. A transient failure is retried with exponential backoff and jitter. A batch the
/// target rejects as a whole is split in halves until each failing record is isolated, so every other record is
/// written. Each confirmed batch is checkpointed while the next batch is written, so the store and the target work
/// at once. The records of both stay in flight until their checkpoints commit, so a crash loses neither.
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

    // The last batch the target confirmed, whose checkpoint waits for the next write or for FlushAsync.
    private ConfirmedWrite? _unrecorded;

    /// <summary>
    /// Writes one batch, and checkpoints the batch before it while the target works. Shutdown may interrupt the write,
    /// which the target then rolls back, but never a checkpoint of a write the target confirmed, so a requeued
    /// execution does not send a committed batch again. The batch's own checkpoint waits for the next call or for
    /// <see cref="FlushAsync"/>.
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
        await recorder.SetInFlightAsync(previous?.Items ?? [], items, cancellationToken).ConfigureAwait(false);

        // The checkpoint is synchronous work on the store, so it runs on another thread while this one writes.
        var checkpoint = previous is null
            ? Task.FromResult(ExecutionCounts.Zero)
            : Task.Run(() => recorder.RecordResultsAsync(previous.Items, previous.Results, items, CancellationToken.None), CancellationToken.None);
        IReadOnlyList<RecordResult> results;
        try
        {
            results = await WriteWithRetriesAsync(items, fields, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorException exception) when (!exception.IsTransient && items.Count > 1)
        {
            await ReportAsync(previous, checkpoint, cancellationToken).ConfigureAwait(false);
            Log.BatchSplit(services.Logger, syncId, executionId, items.Count);
            await WriteSplitAsync(items, fields, cancellationToken).ConfigureAwait(false);
            await console.BatchWrittenAsync(items.Count, recorder.Totals, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ConnectorException exception) when (!exception.IsTransient)
        {
            results = [new RecordResult(RecordOutcome.Failed, exception.Message)];
        }
        catch
        {
            // A failed checkpoint's exception replaces the write's, because it leaves the state behind the target.
            await checkpoint.ConfigureAwait(false);
            throw;
        }

        CrashPoints.Reach(CrashPoints.AfterTargetWrite);
        await ReportAsync(previous, checkpoint, cancellationToken).ConfigureAwait(false);
        _unrecorded = new ConfirmedWrite(items, results);
    }

    /// <summary>Checkpoints the last confirmed batch, if its checkpoint is still to come.</summary>
    /// <param name="cancellationToken">Stops the progress report only, never the checkpoint.</param>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var previous = _unrecorded;
        _unrecorded = null;
        if (previous is not null)
        {
            var checkpoint = recorder.RecordResultsAsync(previous.Items, previous.Results, null, CancellationToken.None);
            await ReportAsync(previous, checkpoint, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the checkpoint of <paramref name="previous"/>, then reports its progress and record issues.</summary>
    private async Task ReportAsync(ConfirmedWrite? previous, Task<ExecutionCounts> checkpoint, CancellationToken cancellationToken)
    {
        var delta = await checkpoint.ConfigureAwait(false);
        if (previous is not null)
        {
            console.AddBatchIssues(previous.Items.Count, 0, delta.Error, delta.Warnings);
            await console.BatchWrittenAsync(previous.Items.Count, recorder.Totals, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a batch that the target rejected as a whole in halves, each checkpointed before the next, until each
    /// failing record is isolated.
    /// </summary>
    private async Task WriteSplitAsync(
        List<WriteItem> items, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var before = recorder.Totals;
        _splits = 0;
        await SplitAsync(items, 0, items.Count, fields, cancellationToken).ConfigureAwait(false);
        var after = recorder.Totals;
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
        await recorder.SetInFlightAsync([], slice, cancellationToken).ConfigureAwait(false);
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
                Log.BatchSplit(services.Logger, syncId, executionId, count);
                await SplitAsync(items, start, count, fields, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        CrashPoints.Reach(CrashPoints.AfterTargetWrite);
        await recorder.RecordResultsAsync(slice, results, null, CancellationToken.None).ConfigureAwait(false);
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
            RecordsAreNew = slice.TrueForAll(item => item.Pending.IsNew),
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

                var delay = RetryDelay(attempt);
                Log.BatchRetried(
                    services.Logger, syncId, executionId, slice.Count, attempt, maxAttempts,
                    (long)delay.TotalMilliseconds, exception.Message);
                await console.BatchRetriedAsync(slice.Count, attempt, maxAttempts, delay, exception.Message, cancellationToken)
                    .ConfigureAwait(false);

                // Nothing of the failed attempt was committed, so a cancel request may end the wait at once.
                using (var stoppable = poller.Link(cancellationToken))
                {
                    await Task.Delay(delay, services.Time, stoppable.Token).ConfigureAwait(false);
                }

                poller.ThrowIfRequested();
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
    private sealed record ConfirmedWrite(List<WriteItem> Items, IReadOnlyList<RecordResult> Results);
}
