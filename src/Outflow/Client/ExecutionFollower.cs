using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Outflow.Client;

/// <summary>
/// Polls one execution and its console log until the execution ends, and shows its progress: a live progress bar
/// on an interactive terminal, or the console log's lines when standard error is redirected.
/// </summary>
internal sealed class ExecutionFollower(ServerClient client, string syncId, string executionId)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly HashSet<string> TerminalStatuses = new(["completed", "failed", "canceled", "interrupted"], StringComparer.Ordinal);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _executionPath = $"api/syncs/{Uri.EscapeDataString(syncId)}/executions/{Uri.EscapeDataString(executionId)}";
    private string? _cursor;
    private long _rowsRead;
    private bool _readDone;
    private long _toWrite;
    private TimeSpan? _writeStartedAt;

    public static bool IsTerminal(string? status) => status is not null && TerminalStatuses.Contains(status);

    /// <summary>Follows the execution without showing anything and returns it once it has ended.</summary>
    public async Task<JsonNode> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var execution = await client.GetDataAsync(_executionPath, cancellationToken).ConfigureAwait(false);
            if (IsTerminal(Output.Text(execution, "status")))
            {
                return execution;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Follows the execution with a progress bar on standard error and returns it once it has ended.</summary>
    public async Task<JsonNode> ShowProgressAsync(CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        JsonNode? execution = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var read = context.AddTask("Reading the model");
                read.IsIndeterminate = true;
                var write = context.AddTask("Writing", autoStart: false);
                while (true)
                {
                    execution = await PollAsync(_ => { }, cancellationToken).ConfigureAwait(false);
                    var elapsed = _clock.Elapsed;
                    var reading = _writeStartedAt ?? elapsed;
                    read.Description = Markup.Escape($"Read {Output.Count(_rowsRead)} rows, {Rate(_rowsRead, reading)}/s");
                    if (_readDone && !write.IsStarted)
                    {
                        read.IsIndeterminate = false;
                        read.Value = read.MaxValue;
                        read.StopTask();
                        write.StartTask();
                    }

                    var counts = execution["counts"];
                    var written = Output.Number(counts, "total");
                    if (write.IsStarted && _toWrite == 0 && written == 0)
                    {
                        write.MaxValue = 1;
                        write.Value = 1;
                        write.Description = "Nothing to write";
                    }
                    else if (write.IsStarted)
                    {
                        write.MaxValue = Math.Max(_toWrite, Math.Max(written, 1));
                        write.Value = written;
                        write.Description = Markup.Escape(
                            $"Wrote {Output.Count(written)}, {Output.Count(Output.Number(counts, "error"))} errors, " +
                            $"{Rate(written, elapsed - reading)}/s");
                    }

                    if (IsTerminal(Output.Text(execution, "status")))
                    {
                        // Stopping a task again would move its end time, and with it the elapsed time shown.
                        if (!read.IsFinished)
                        {
                            read.StopTask();
                        }

                        write.StopTask();
                        return;
                    }

                    await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return execution!;
    }

    /// <summary>Follows the execution, writing each new console log entry as a line on standard error.</summary>
    public async Task<JsonNode> ShowLogAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var execution = await PollAsync(
                entry => Console.Error.WriteLine(
                    $"{Output.Time(entry["timestamp"])} {Output.Text(entry, "level"),-5} {Output.Text(entry, "message")}"),
                cancellationToken).ConfigureAwait(false);
            if (IsTerminal(Output.Text(execution, "status")))
            {
                return execution;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the execution and the console log entries written since the last poll.</summary>
    private async Task<JsonNode> PollAsync(Action<JsonNode> onEntry, CancellationToken cancellationToken)
    {
        // The console log is read before the execution, so a terminal status is only seen after the entries before it.
        while (true)
        {
            var path = _executionPath + "/consolelog?limit=50" + (_cursor is null ? "" : "&after=" + Uri.EscapeDataString(_cursor));
            var log = await client.GetDataAsync(path, cancellationToken).ConfigureAwait(false);
            var entries = log["entries"]?.AsArray() ?? [];

            // Without a cursor the server returns the newest entries, so the first call starts from those.
            foreach (var entry in entries.OfType<JsonNode>())
            {
                Read(entry);
                onEntry(entry);
            }

            _cursor = Output.Text(log, "next_cursor") ?? _cursor;
            if (entries.Count < 50)
            {
                break;
            }
        }

        return await client.GetDataAsync(_executionPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes rows read, records to write and deletes to make from the payloads of the engine's progress entries.</summary>
    private void Read(JsonNode entry)
    {
        if (entry["payload"] is not JsonObject payload)
        {
            return;
        }

        if (payload["rows_read"] is { } rows)
        {
            _rowsRead = Math.Max(_rowsRead, rows.GetValue<long>());
        }

        if (payload["pending"] is { } pending)
        {
            _toWrite += pending.GetValue<long>();
            MarkReadDone();
        }

        if (payload["deleting"]?.GetValue<bool>() == true && payload["records"] is { } deletes)
        {
            _toWrite += deletes.GetValue<long>();
            MarkReadDone();
        }
    }

    private void MarkReadDone()
    {
        _readDone = true;
        _writeStartedAt ??= _clock.Elapsed;
    }

    private static string Rate(long count, TimeSpan elapsed) =>
        elapsed.TotalSeconds < 0.5 ? "-" : Output.Count((long)(count / elapsed.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
