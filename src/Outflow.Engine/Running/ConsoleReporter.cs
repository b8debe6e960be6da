using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Engine.Running;

/// <summary>
/// Writes what one execution is doing to its console log. Progress entries (rows read, records written, record
/// errors) are written at most once per progress interval, so the hot path only reads the clock. Messages and
/// payloads carry counts, names and error messages, not record values, but a connector's error message is passed on
/// as the connector wrote it. A failed write is logged and dropped, so the console log can never fail the execution.
/// </summary>
internal sealed class ConsoleReporter
{
    private readonly IExecutionConsoleLog _log;
    private readonly Execution _execution;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly long _startedAt;

    private long _lastRowsEntry;
    private long _lastWriteEntry;
    private long? _lastIssueEntry;
    private long _phaseStartedAt;
    private long _phaseRecords;
    private PendingIssues _pendingIssues;

    public ConsoleReporter(IExecutionConsoleLog log, Execution execution, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _log = log;
        _execution = execution;
        _time = time;
        _interval = interval;
        _logger = logger;
        _startedAt = time.GetTimestamp();
        _lastRowsEntry = _startedAt;
        _lastWriteEntry = _startedAt;
        _phaseStartedAt = _startedAt;
    }

    /// <summary>Reports the start of an attempt; a resumed attempt continues from the execution's last checkpoint.</summary>
    public Task StartedAsync(bool resumed, CancellationToken cancellationToken)
    {
        var counts = _execution.Counts;
        var message = resumed
            ? $"Execution started ({_execution.Type}), resuming after a restart from its last checkpoint: {Format(counts.Total)} records done so far"
            : $"Execution started ({_execution.Type})";
        return WriteAsync(
            ConsoleLogLevels.Info,
            message,
            new JsonObject
            {
                ["type"] = _execution.Type,
                ["mode"] = _execution.Configuration.Mode?.ToWire(),
                ["resumed"] = resumed,
                ["total"] = counts.Total,
            },
            cancellationToken);
    }

    public Task ModelQueryStartedAsync(string modelName, CancellationToken cancellationToken)
    {
        _lastRowsEntry = _time.GetTimestamp();
        return WriteAsync(
            ConsoleLogLevels.Info,
            $"Reading model \"{modelName}\" from the source",
            new JsonObject { ["model"] = modelName },
            cancellationToken);
    }

    /// <summary>Reports the rows read so far, when the progress interval has passed since the last such entry.</summary>
    public ValueTask RowsReadAsync(long rows, CancellationToken cancellationToken)
    {
        if (_time.GetElapsedTime(_lastRowsEntry) < _interval)
        {
            return ValueTask.CompletedTask;
        }

        _lastRowsEntry = _time.GetTimestamp();
        return new ValueTask(WriteAsync(
            ConsoleLogLevels.Info,
            $"Read {Count(rows, "row")} so far",
            new JsonObject { ["rows_read"] = rows },
            cancellationToken));
    }

    /// <summary>
    /// Reports the end of the read: rows read, the changes found, the rows rejected as record errors, and how long the
    /// source took to deliver the rows (<paramref name="reading"/>) against the time spent hashing and comparing them
    /// with the sync's state (<paramref name="detection"/>).
    /// </summary>
    public Task ModelReadAsync(
        long rows, long pending, long pendingNew, long errors, TimeSpan reading, TimeSpan detection, CancellationToken cancellationToken)
    {
        var message = $"Read {Count(rows, "row")}: {Count(pending, "record")} to write ({Format(pendingNew)} new, " +
            $"{Format(pending - pendingNew)} changed)";
        if (errors > 0)
        {
            message += $", {Count(errors, "row")} rejected as record errors (see the errors log)";
        }

        message += FormattableString.Invariant(
            $"; reading took {reading.TotalSeconds:0.0} s, change detection {detection.TotalSeconds:0.0} s");

        return WriteAsync(
            errors > 0 ? ConsoleLogLevels.Warn : ConsoleLogLevels.Info,
            message,
            new JsonObject
            {
                ["rows_read"] = rows,
                ["pending"] = pending,
                ["pending_new"] = pendingNew,
                ["pending_changed"] = pending - pendingNew,
                ["errors"] = errors,
                ["read_ms"] = (long)reading.TotalMilliseconds,
                ["change_detection_ms"] = (long)detection.TotalMilliseconds,
            },
            cancellationToken);
    }

    /// <summary>Reports the start of a write phase and restarts the rate of records per second.</summary>
    public Task WritingAsync(bool dryRun, long records, string targetObject, int batchSize, CancellationToken cancellationToken)
    {
        BeginPhase();
        var action = dryRun
            ? $"Dry run, writing nothing: checking {Count(records, "record")} against"
            : $"Writing {Count(records, "record")} to";
        return WriteAsync(
            ConsoleLogLevels.Info,
            $"{action} \"{targetObject}\" in batches of up to {Format(batchSize)}",
            new JsonObject { ["records"] = records, ["target_object"] = targetObject, ["batch_size"] = batchSize },
            cancellationToken);
    }

    /// <summary>
    /// Counts a confirmed batch and, when the progress interval has passed, reports the execution's totals so far
    /// and the rate of this phase.
    /// </summary>
    public async ValueTask BatchWrittenAsync(int records, ExecutionCounts totals, CancellationToken cancellationToken)
    {
        _phaseRecords += records;
        if (_time.GetElapsedTime(_lastWriteEntry) >= _interval)
        {
            _lastWriteEntry = _time.GetTimestamp();
            var seconds = _time.GetElapsedTime(_phaseStartedAt).TotalSeconds;
            var rate = seconds > 0 ? (long)(_phaseRecords / seconds) : 0;
            await WriteAsync(
                ConsoleLogLevels.Info,
                $"Written so far: {Format(totals.Insert)} inserted, {Format(totals.Update)} updated, " +
                $"{Format(totals.Delete)} deleted, {Format(totals.Error)} errors ({Format(rate)} records per second)",
                CountsPayload(totals, new JsonObject { ["records_per_second"] = rate }),
                cancellationToken).ConfigureAwait(false);
        }

        await FlushIssuesAsync(force: false, cancellationToken).ConfigureAwait(false);
    }

    public Task BatchRetriedAsync(
        int records, int attempt, int maxAttempts, TimeSpan delay, string reason, CancellationToken cancellationToken) =>
        WriteAsync(
            ConsoleLogLevels.Warn,
            $"Writing {Count(records, "record")} failed transiently (attempt {attempt} of {maxAttempts}), " +
            $"retrying in {delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s: {reason}",
            new JsonObject
            {
                ["records"] = records,
                ["attempt"] = attempt,
                ["max_attempts"] = maxAttempts,
                ["delay_ms"] = (long)delay.TotalMilliseconds,
            },
            cancellationToken);

    /// <summary>
    /// Counts the splits, record errors and warnings of one batch. The next <see cref="BatchWrittenAsync"/> reports
    /// them once the progress interval has passed since the last such report, and the end of the execution reports the rest.
    /// </summary>
    public void AddBatchIssues(int records, int splits, long errors, long warnings)
    {
        if (splits == 0 && errors == 0 && warnings == 0)
        {
            return;
        }

        _pendingIssues = new PendingIssues(
            _pendingIssues.Batches + 1,
            _pendingIssues.Records + records,
            _pendingIssues.Splits + splits,
            _pendingIssues.Errors + errors,
            _pendingIssues.Warnings + warnings);
    }

    /// <summary>Reports how many records left the model since the last execution and what happens to them.</summary>
    public Task AbsentRecordsAsync(long records, bool deleting, CancellationToken cancellationToken)
    {
        BeginPhase();
        return WriteAsync(
            ConsoleLogLevels.Info,
            deleting
                ? $"{Count(records, "record")} the sync wrote before left the model; deleting them from the target"
                : $"{Count(records, "record")} the sync wrote before left the model; forgetting them, so they are written again if they return",
            new JsonObject { ["records"] = records, ["deleting"] = deleting },
            cancellationToken);
    }

    public Task AbsentRowsKeptAsync(CancellationToken cancellationToken) =>
        WriteAsync(
            ConsoleLogLevels.Warn,
            "The source could not read some rows, so no record is deleted for leaving the model in this execution",
            null,
            cancellationToken);

    public async Task CanceledAsync()
    {
        await FlushIssuesAsync(force: true, CancellationToken.None).ConfigureAwait(false);
        await WriteAsync(
            ConsoleLogLevels.Warn,
            "Cancellation requested, so the execution stopped. Records confirmed before stay written and checkpointed",
            null,
            CancellationToken.None).ConfigureAwait(false);
    }

    public async Task FailedAsync(string reason)
    {
        await FlushIssuesAsync(force: true, CancellationToken.None).ConfigureAwait(false);
        await WriteAsync(ConsoleLogLevels.Error, $"Execution failed: {reason}", null, CancellationToken.None).ConfigureAwait(false);
    }

    public Task CanceledBeforeStartAsync() =>
        WriteAsync(
            ConsoleLogLevels.Info,
            "Execution canceled before it started, so nothing was read or written",
            new JsonObject { ["status"] = ExecutionStatus.Canceled.ToWire() },
            CancellationToken.None);

    public Task RequeuedAsync() =>
        WriteAsync(
            ConsoleLogLevels.Info,
            "Execution stopped for a server shutdown and was queued to resume from its last checkpoint",
            null,
            CancellationToken.None);

    public async Task FinishedAsync(ExecutionStatus status, ExecutionCounts counts)
    {
        await FlushIssuesAsync(force: true, CancellationToken.None).ConfigureAwait(false);
        var seconds = _time.GetElapsedTime(_startedAt).TotalSeconds;
        await WriteAsync(
            status == ExecutionStatus.Failed ? ConsoleLogLevels.Error : ConsoleLogLevels.Info,
            $"Execution finished: {status.ToWire()} after {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s of this attempt; " +
            $"{Format(counts.Insert)} inserted, {Format(counts.Update)} updated, {Format(counts.Delete)} deleted, " +
            $"{Format(counts.Error)} errors, {Format(counts.Warnings)} warnings",
            CountsPayload(counts, new JsonObject
            {
                ["status"] = status.ToWire(),
                ["duration_ms"] = (long)(seconds * 1000),
            }),
            CancellationToken.None).ConfigureAwait(false);
    }

    private void BeginPhase()
    {
        _phaseStartedAt = _time.GetTimestamp();
        _lastWriteEntry = _phaseStartedAt;
        _phaseRecords = 0;
    }

    private async Task FlushIssuesAsync(bool force, CancellationToken cancellationToken)
    {
        var issues = _pendingIssues;
        if (issues.Batches == 0 || (!force && _lastIssueEntry is { } last && _time.GetElapsedTime(last) < _interval))
        {
            return;
        }

        _pendingIssues = default;
        _lastIssueEntry = _time.GetTimestamp();
        var where = issues.Batches == 1
            ? $"a batch of {Count(issues.Records, "record")}"
            : $"{Format(issues.Batches)} batches with {Count(issues.Records, "record")} in all";
        var message = $"{Count(issues.Errors, "record error")} and {Count(issues.Warnings, "warning")} in {where}";
        if (issues.Splits > 0)
        {
            message += $". The target rejected whole batches, so they were split {Count(issues.Splits, "time")} to isolate the failing records";
        }

        await WriteAsync(
            ConsoleLogLevels.Warn,
            message + ". The errors and warnings logs list each record's identity and the target's message",
            new JsonObject
            {
                ["batches"] = issues.Batches,
                ["records"] = issues.Records,
                ["splits"] = issues.Splits,
                ["errors"] = issues.Errors,
                ["warnings"] = issues.Warnings,
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string level, string message, JsonObject? payload, CancellationToken cancellationToken)
    {
        try
        {
            await _log.AppendAsync(_execution.Id, _time.GetUtcNow(), level, message, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The engine's next step observes the same token, so dropping the entry here loses nothing the runner needs.
        }
        catch (Exception exception)
        {
            Log.ConsoleLogWriteFailed(_logger, exception, _execution.SyncId, _execution.Id);
        }
    }

    private static JsonObject CountsPayload(ExecutionCounts counts, JsonObject payload)
    {
        payload["total"] = counts.Total;
        payload["insert"] = counts.Insert;
        payload["update"] = counts.Update;
        payload["upserts"] = counts.Upserts;
        payload["delete"] = counts.Delete;
        payload["error"] = counts.Error;
        payload["warnings"] = counts.Warnings;
        return payload;
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a count with its English noun, adding "s" unless the count is 1.</summary>
    private static string Count(long value, string noun) => Format(value) + " " + noun + (value == 1 ? "" : "s");

    private readonly record struct PendingIssues(int Batches, long Records, int Splits, long Errors, long Warnings);
}
