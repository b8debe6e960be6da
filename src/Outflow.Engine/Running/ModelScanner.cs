using System.Diagnostics;
using System.Globalization;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Logs;
using Outflow.Engine.Planning;
using Outflow.Engine.Rows;
using Outflow.Engine.Scratch;

namespace Outflow.Engine.Running;

/// <summary>
/// Reads the whole model into the scratch database, then compares it with the sync's state: both are walked in
/// identity-hash order side by side, so neither needs to fit in memory. New and changed rows become pending, state
/// entries the read did not see become deletes, and rows of repeated identities are counted as errors and not written.
/// Rows the filters exclude take no part, as if the model lacked them. Modes without an identity key each row by its
/// content and how many rows with that content came before it, so identical rows are distinct records.
/// </summary>
internal sealed class ModelScanner(
    SyncPlan plan,
    ScratchDatabase scratch,
    ISyncStateStore state,
    Guid syncId,
    CheckpointRecorder recorder,
    CancellationPoller poller,
    DateTimeOffset executionStart,
    ConsoleReporter console)
{
    /// <summary>The number of rows a baseline records per checkpoint.</summary>
    public const int BaselineChunkSize = 10_000;

    /// <summary>How many blocks of source rows the read may run ahead of the scan, and the most rows in each.</summary>
    private const int SourceBlocks = 4;

    private const int SourceBlockRows = 1024;

    /// <summary>
    /// The estimated bytes after which a block of source rows goes to the scan, so that wide rows (long text, JSON,
    /// bytes) keep the rows read ahead to a few MiB.
    /// </summary>
    private const long SourceBlockBytes = 1024 * 1024;

    /// <summary>
    /// How long a block of source rows waits for more rows once it has one, so that the first rows of a slow source
    /// (a test run needs a few) reach the scan without waiting for a full block.
    /// </summary>
    private static readonly TimeSpan SourceBlockWait = TimeSpan.FromMilliseconds(50);

    /// <summary>How many blocks of the sync's state the store's read may run ahead of the diff, and the entries in each.</summary>
    private const int StateBlocks = 4;

    private const int StateBlockEntries = 1024;

    // Absent entries whose identities are looked up in one call to the store.
    private const int AbsentLookupSize = 1_000;

    private readonly List<StateHashes> _absent = [];

    private long _errors;
    private long _readTicks;
    private bool _sourceEnded;
    private long _scanTicks;

    public long RowsRead { get; private set; }

    public long PendingCount { get; private set; }

    /// <summary>How many pending rows have an identity the sync's state lacks.</summary>
    public long PendingNewCount { get; private set; }

    /// <summary>The time the read spent waiting for the source's rows, in a task of its own.</summary>
    public TimeSpan ReadTime => Stopwatch.GetElapsedTime(0, _readTicks);

    /// <summary>
    /// The time the scan took beyond the read: shaping, hashing and storing rows where the read did not overlap them,
    /// then comparing them with the sync's state.
    /// </summary>
    public TimeSpan DetectionTime => Stopwatch.GetElapsedTime(0, _scanTicks - _readTicks);

    /// <summary>How many identities of the sync's state the read did not see.</summary>
    public long AbsentCount { get; private set; }

    public long ErrorCount => _errors;

    /// <summary>
    /// Whether a row had a value the source could not read. Such a row's record is unknown, so nothing may be
    /// deleted on the grounds that the read did not see it.
    /// </summary>
    public bool SawUnreadableRows { get; private set; }

    /// <summary>Reads every row, then counts and logs record errors found before writing in one checkpoint.</summary>
    /// <exception cref="ConnectorException">The source failed while reading, so nothing was written.</exception>
    public async Task ScanAsync(ISourceReader reader, CancellationToken cancellationToken)
    {
        var filter = RowFilter.Compile(plan.Filters, plan.FilterLogic, reader.Columns, executionStart);
        var overrides = RowOverrides.Compile(plan.Overrides, reader.Columns, executionStart);
        var shaper = new RowShaper(plan, reader.Columns);
        var encoder = new RowEncoder(plan.TargetFields);
        var tracking = shaper.TrackingCount > 0 ? new RowEncoder(plan.TrackingColumns) : null;
        var values = new object?[shaper.FieldCount];
        var trackingValues = new object?[shaper.TrackingCount];
        long taken = 0;
        var scanStart = Stopwatch.GetTimestamp();
        // A block holds no more rows than the scan takes, so a test run's rows reach it as soon as they are read.
        var blockRows = plan.RowLimit is int limit ? Math.Clamp(limit, 1, SourceBlockRows) : SourceBlockRows;
        var source = new BlockPrefetch<object?[]>(
            SourceBlocks, blockRows, (block, token) => ReadBlockAsync(reader, block, token), cancellationToken);
        await using (source.ConfigureAwait(false))
        {
            while ((plan.RowLimit is null || taken < plan.RowLimit) && await source.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = source.Current;
                RowsRead++;
                poller.ThrowIfRequested();
                await console.RowsReadAsync(RowsRead, cancellationToken).ConfigureAwait(false);
                if (FindUnreadable(row) is { } unreadable)
                {
                    RejectUnreadable(shaper, row, values, unreadable);
                    continue;
                }

                if (!filter.Matches(row))
                {
                    continue;
                }

                overrides.Apply(row);
                shaper.Map(row, values);
                string identity;
                if (plan.HasIdentity)
                {
                    var formatted = IdentityText.Format(shaper.GetIdentity(row));
                    var text = formatted is null ? null : IdentityText.Reduce(formatted, plan.IdentityComparison);
                    if (text is null)
                    {
                        if (plan.Identities is null)
                        {
                            _errors++;
                            recorder.LogRecord(
                                RecordLogType.Errors, null, RecordLogKeys.MissingIdentity,
                                $"model field \"{plan.IdentitySourceField}\" is null or empty, so the row cannot be matched to a " +
                                "target record. Fix the row in the source or choose another identity field", values);
                        }

                        continue;
                    }

                    if (plan.Identities is not null && !plan.Identities.Contains(text))
                    {
                        continue;
                    }

                    identity = text;
                    encoder.Encode(values);
                }
                else
                {
                    encoder.Encode(values);
                    var occurrence = scratch.AddOccurrence(encoder.RowHash);
                    identity = encoder.RowHash.ToString("x32", CultureInfo.InvariantCulture) + "-" +
                        occurrence.ToString(CultureInfo.InvariantCulture) + plan.ContentKeySuffix;
                }

                taken++;
                var rowHash = encoder.RowHash;
                if (tracking is not null)
                {
                    shaper.MapTracking(row, trackingValues);
                    tracking.Encode(trackingValues);
                    rowHash = tracking.RowHash;
                }

                scratch.AddRow(IdentityText.Hash(identity), identity, rowHash, encoder.Payload);
            }
        }

        await DiffAsync(cancellationToken).ConfigureAwait(false);
        _scanTicks = Stopwatch.GetTimestamp() - scanStart;
        RejectDuplicates();
        (PendingCount, PendingNewCount) = scratch.CountPending();
        if (plan.IsBaseline)
        {
            await RecordBaselineAsync(cancellationToken).ConfigureAwait(false);
        }

        await recorder.CheckpointAsync([], new ExecutionCounts(Total: _errors, Error: _errors), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Fills a block with the next rows, on the read's own task, and adds the time spent to the read time. Returns 0
    /// after the last row.
    /// </summary>
    private async ValueTask<int> ReadBlockAsync(ISourceReader reader, object?[][] block, CancellationToken cancellationToken)
    {
        if (_sourceEnded)
        {
            return 0;
        }

        var start = Stopwatch.GetTimestamp();
        var count = 0;
        long bytes = 0;
        while (count < block.Length && bytes < SourceBlockBytes && (count == 0 || Stopwatch.GetElapsedTime(start) < SourceBlockWait))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _sourceEnded = true;
                break;
            }

            var row = block[count] ??= new object?[reader.Columns.Count];
            reader.GetValues(row);
            bytes += EstimateBytes(row);
            count++;
        }

        _readTicks += Stopwatch.GetTimestamp() - start;
        return count;
    }

    /// <summary>Estimates the memory a row's values take: two bytes a character of text, a byte a byte, and a little per value.</summary>
    private static long EstimateBytes(object?[] row)
    {
        long bytes = 0;
        foreach (var value in row)
        {
            bytes += value switch
            {
                null => 8,
                string text => 24 + (2L * text.Length),
                byte[] data => 24 + data.Length,
                _ => 24,
            };
        }

        return bytes;
    }

    private static UnreadableValue? FindUnreadable(object?[] row)
    {
        foreach (var value in row)
        {
            if (value is UnreadableValue unreadable)
            {
                return unreadable;
            }
        }

        return null;
    }

    private void RejectUnreadable(RowShaper shaper, object?[] row, object?[] values, UnreadableValue unreadable)
    {
        SawUnreadableRows = true;
        _errors++;
        for (var i = 0; i < row.Length; i++)
        {
            // The log line cannot hold an unreadable value, so it shows null there and the message gives the reason.
            if (row[i] is UnreadableValue)
            {
                row[i] = null;
            }
        }

        shaper.Map(row, values);
        var identity = IdentityText.Format(shaper.GetIdentity(row));
        recorder.LogRecord(RecordLogType.Errors, identity, RecordLogKeys.ValueUnreadable, unreadable.Message, values);
    }

    /// <summary>
    /// Walks the rows and the sync's state in identity-hash order. An identity with one row is pending when the mode
    /// writes it, and an identity with several rows is a duplicate. A state entry without a row is absent.
    /// </summary>
    private async Task DiffAsync(CancellationToken cancellationToken)
    {
        var entries = plan.IsTest ? AsyncEnumerable.Empty<StateHashes>() : state.ReadHashesAsync(syncId, cancellationToken);
        IAsyncEnumerator<StateHashes>? enumerator = null;
        var ended = false;
        try
        {
            // The store's rows are read in a task of their own while this one merges the row keys beside them. The
            // read starts in that task, so the prefetch's own token can stop it.
            var stored = new BlockPrefetch<StateHashes>(
                StateBlocks,
                StateBlockEntries,
                async (block, token) =>
                {
                    enumerator ??= entries.GetAsyncEnumerator(token);
                    var count = 0;
                    while (!ended && count < block.Length)
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            ended = true;
                            break;
                        }

                        block[count++] = enumerator.Current;
                    }

                    return count;
                },
                cancellationToken);
            await using (stored.ConfigureAwait(false))
            {
                await WalkAsync(stored, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Disposing the prefetch waited for its task, so the enumerator is no longer in use.
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }

        scratch.Commit();
    }

    private async Task WalkAsync(BlockPrefetch<StateHashes> stored, CancellationToken cancellationToken)
    {
        var hasStored = await stored.MoveNextAsync(cancellationToken).ConfigureAwait(false);
        using var keys = scratch.ReadKeysByIdentity().GetEnumerator();
        var hasKey = keys.MoveNext();
        while (hasKey)
        {
            var first = keys.Current;
            var rows = 1;
            while ((hasKey = keys.MoveNext()) && keys.Current.IdentityHash == first.IdentityHash)
            {
                if (rows++ == 1)
                {
                    scratch.AddDuplicate(first);
                }

                scratch.AddDuplicate(keys.Current);
            }

            UInt128? storedHash = null;
            while (hasStored && stored.Current.IdentityHash <= first.IdentityHash)
            {
                if (stored.Current.IdentityHash == first.IdentityHash)
                {
                    storedHash = stored.Current.RowHash;
                }
                else
                {
                    await AddAbsentAsync(stored.Current, cancellationToken).ConfigureAwait(false);
                }

                hasStored = await stored.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows == 1)
            {
                Decide(first, storedHash);
            }
        }

        for (; hasStored; hasStored = await stored.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            await AddAbsentAsync(stored.Current, cancellationToken).ConfigureAwait(false);
        }

        await AddDeletesAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Decide(ScratchKey row, UInt128? storedHash)
    {
        var isNew = storedHash is null || storedHash == StateChange.Unconfirmed;
        var replayed = storedHash is { } stored && StateChange.IsUnconfirmed(stored);
        var changed = isNew || plan.TreatAllAsChanged || storedHash != row.RowHash;

        // Create never touches records it wrote before, unless a resync requests every row again.
        var wanted = plan.Mode == SyncMode.Create ? isNew || plan.TreatAllAsChanged : changed;
        if (wanted)
        {
            scratch.AddPending(row.RowId, isNew, replayed);
        }
    }

    /// <summary>
    /// Collects a state entry whose identity the read did not see, and adds the collected entries as deletes once there
    /// are enough. Without a delete to make, the entry is added at once, without its identity.
    /// </summary>
    private async Task AddAbsentAsync(StateHashes entry, CancellationToken cancellationToken)
    {
        // Only deleting a record from the target needs its identity. Forgetting an entry takes its hash alone, and the
        // other modes leave absent records as they are.
        if (!plan.DeletesAbsentRecords || SawUnreadableRows)
        {
            scratch.AddDelete(entry.IdentityHash, "", entry.RowHash);
            AbsentCount++;
            return;
        }

        _absent.Add(entry);
        if (_absent.Count >= AbsentLookupSize)
        {
            await AddDeletesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Looks up the identities of the collected absent entries, which the state read leaves out because only these need
    /// them, and adds the entries to the scratch database as deletes.
    /// </summary>
    /// <exception cref="ExecutionFailedException">An entry left or changed in the sync's state during the comparison.</exception>
    private async Task AddDeletesAsync(CancellationToken cancellationToken)
    {
        if (_absent.Count == 0)
        {
            return;
        }

        var found = await state.LookupAsync(syncId, _absent.ConvertAll(entry => entry.IdentityHash), cancellationToken)
            .ConfigureAwait(false);
        foreach (var entry in _absent)
        {
            // Only this execution writes the sync's state, and not during the comparison, so a missing or changed
            // entry means that something else changed the store, such as a deletion of the sync.
            if (!found.TryGetValue(entry.IdentityHash, out var stored) || stored.RowHash != entry.RowHash)
            {
                throw new ExecutionFailedException(
                    $"the state entry of identity hash {entry.IdentityHash:x32} changed while the execution compared the " +
                    "model's rows with the sync's state, so nothing was written. Run the sync again.");
            }

            scratch.AddDelete(entry.IdentityHash, stored.Identity, entry.RowHash);
            AbsentCount++;
        }

        _absent.Clear();
    }

    /// <summary>Records the pending rows in the state without writing them, and leaves nothing pending.</summary>
    private async Task RecordBaselineAsync(CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var page = scratch.ReadPending(after, BaselineChunkSize, fieldCount: 0);
            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].RowId;
            var changes = page.ConvertAll(entry => new StateChange(entry.Record.IdentityHash, entry.Record.Identity, entry.Record.RowHash));
            await recorder.CheckpointAsync(changes, ExecutionCounts.Zero, cancellationToken).ConfigureAwait(false);
        }

        scratch.ClearPending();
        PendingCount = 0;
        PendingNewCount = 0;
    }

    private void RejectDuplicates()
    {
        var values = new object?[plan.TargetFields.Count];
        foreach (var row in scratch.ReadDuplicateRows())
        {
            _errors++;
            ValueCodec.ReadAll(row.Payload, values);
            recorder.LogRecord(
                RecordLogType.Errors, row.Identity, RecordLogKeys.DuplicateIdentity,
                $"identity {row.Identity} appears in more than one row of the model, so none of those rows is written. " +
                "Make the identity field unique in the model", values);
        }
    }
}
