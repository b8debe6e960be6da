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
/// Reads the whole model and sorts its rows into the scratch database: every identity into <c>seen</c>, new
/// and changed rows into <c>pending</c>. Rows the filters exclude take no part, as if the model lacked them.
/// State is looked up in chunks so that memory stays bounded. After the read, rows of repeated identities are
/// removed from <c>pending</c> and counted as errors. Modes without an identity key each row by its content and
/// how many rows with that content came before it, so identical rows are distinct records.
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
    /// <summary>The number of identities looked up in state per call.</summary>
    public const int LookupChunkSize = 1000;

    private readonly List<Candidate> _chunk = new(LookupChunkSize);
    private long _errors;

    public long RowsRead { get; private set; }

    public long PendingCount { get; private set; }

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
        var row = new object?[reader.Columns.Count];
        var values = new object?[shaper.FieldCount];
        var trackingValues = new object?[shaper.TrackingCount];
        long taken = 0;
        while ((plan.RowLimit is null || taken < plan.RowLimit) && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            RowsRead++;
            poller.ThrowIfRequested();
            await console.RowsReadAsync(RowsRead, cancellationToken).ConfigureAwait(false);
            reader.GetValues(row);
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
            var payload = encoder.Payload.ToArray();
            var rowHash = encoder.RowHash;
            if (tracking is not null)
            {
                shaper.MapTracking(row, trackingValues);
                tracking.Encode(trackingValues);
                rowHash = tracking.RowHash;
            }

            var identityHash = IdentityText.Hash(identity);
            if (scratch.AddSeen(identityHash, identity, payload) > 1)
            {
                scratch.AddDuplicate(identityHash, identity, payload);
                continue;
            }

            _chunk.Add(new Candidate(identityHash, identity, rowHash, payload));
            if (_chunk.Count >= LookupChunkSize)
            {
                await FlushChunkAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await FlushChunkAsync(cancellationToken).ConfigureAwait(false);
        RejectDuplicates();
        await recorder.CheckpointAsync([], new ExecutionCounts(Total: _errors, Error: _errors), cancellationToken)
            .ConfigureAwait(false);
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

    private async Task FlushChunkAsync(CancellationToken cancellationToken)
    {
        if (_chunk.Count == 0)
        {
            return;
        }

        IReadOnlyDictionary<UInt128, UInt128> stored = plan.IsTest
            ? new Dictionary<UInt128, UInt128>()
            : await state.LookupAsync(syncId, _chunk.ConvertAll(c => c.IdentityHash), cancellationToken).ConfigureAwait(false);
        var baseline = new List<StateChange>();
        foreach (var candidate in _chunk)
        {
            var isNew = !stored.TryGetValue(candidate.IdentityHash, out var storedHash) || storedHash == StateChange.Unconfirmed;
            var changed = isNew || plan.TreatAllAsChanged || storedHash != candidate.RowHash;

            // Create never touches records it wrote before, unless a resync requests every row again.
            var wanted = plan.Mode == SyncMode.Create ? isNew || plan.TreatAllAsChanged : changed;
            if (!wanted)
            {
                continue;
            }

            if (plan.IsBaseline)
            {
                baseline.Add(new StateChange(candidate.IdentityHash, candidate.Identity, candidate.RowHash));
                continue;
            }

            scratch.AddPending(candidate.IdentityHash, candidate.Identity, candidate.RowHash, isNew, candidate.Payload);
            PendingCount++;
        }

        _chunk.Clear();
        scratch.Commit();
        if (baseline.Count > 0)
        {
            // The first row of an identity that repeats later is recorded too. The repeats still count as errors.
            await recorder.CheckpointAsync(baseline, ExecutionCounts.Zero, cancellationToken).ConfigureAwait(false);
        }
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

        PendingCount -= scratch.RemoveDuplicatesFromPending();
    }

    private sealed record Candidate(UInt128 IdentityHash, string Identity, UInt128 RowHash, byte[] Payload);
}
