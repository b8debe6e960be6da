using System.Globalization;
using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>
/// Scenarios 1 to 4, PostgreSQL to PostgreSQL on one server. They compare the full sync with a psql COPY pipe, the
/// execution with nothing changed with a bare read, and the execution after 1% of the rows changed with the full
/// sync. The fourth compares the engine's change detection time with its read time.
/// </summary>
internal sealed class PostgresScenarios(BenchOptions options, Postgres postgres, OutflowServer server)
{
    public const string SourceTable = "bench_source";
    private const string PipeTable = "pipe_target";
    private const string OutflowTable = "outflow_target";

    private readonly OutflowApi _api = server.Api;
    private string _connectionId = "";
    private string _modelId = "";
    private string? _syncId;
    private double _fullSyncMedianSeconds;
    private readonly List<(string SyncId, string ExecutionId)> _unchangedExecutions = [];

    private static string Query => Postgres.ModelQuery(SourceTable);

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await postgres.CreateEmptyCopyAsync(PipeTable, SourceTable, cancellationToken);
        await postgres.CreateEmptyCopyAsync(OutflowTable, SourceTable, cancellationToken);
        _connectionId = await _api.CreatePostgresConnectionAsync("bench", postgres.Port, cancellationToken);
        _modelId = await _api.CreateQueryModelAsync("bench_source", _connectionId, Query, cancellationToken);
    }

    /// <summary>Scenario 1: Outflow's rows per second divided by the COPY pipe's, median of the pairs.</summary>
    public async Task<JsonObject> FullSyncAsync(CancellationToken cancellationToken)
    {
        var ratios = new List<double>();
        var outflowSeconds = new List<double>();
        var pipeSeconds = new List<double>();
        for (var pair = 0; pair < options.Pairs; pair++)
        {
            // Alternating which side runs first keeps a warming cache or a busy neighbour from favouring one side.
            double pipe, outflow;
            if (pair % 2 == 0)
            {
                pipe = await RunPipeAsync(cancellationToken);
                outflow = await RunFullSyncAsync(cancellationToken);
            }
            else
            {
                outflow = await RunFullSyncAsync(cancellationToken);
                pipe = await RunPipeAsync(cancellationToken);
            }

            pipeSeconds.Add(pipe);
            outflowSeconds.Add(outflow);
            ratios.Add(pipe / outflow);
            Progress.Write($"full sync pair {pair + 1}: outflow {outflow:F2} s, pipe {pipe:F2} s, ratio {pipe / outflow:F3}");
        }

        _fullSyncMedianSeconds = Results.Median(outflowSeconds);
        var result = Results.Ratio(Results.Median(ratios), Target.AtLeast(0.75));
        result["outflow_rows_per_second"] = Math.Round(options.Rows / _fullSyncMedianSeconds);
        result["pipe_rows_per_second"] = Math.Round(options.Rows / Results.Median(pipeSeconds));
        result["outflow_seconds"] = Results.ToJson(outflowSeconds);
        result["pipe_seconds"] = Results.ToJson(pipeSeconds);
        result["pair_ratios"] = Results.ToJson(ratios);
        return result;
    }

    /// <summary>Scenario 2: an execution with nothing changed divided by a bare COPY read, with no write to the target.</summary>
    public async Task<JsonObject> UnchangedAsync(CancellationToken cancellationToken)
    {
        var syncId = _syncId ?? throw new InvalidOperationException("The full sync scenario must run first.");
        var ratios = new List<double>();
        var outflowSeconds = new List<double>();
        var readSeconds = new List<double>();
        for (var pair = 0; pair < options.Pairs; pair++)
        {
            double read, outflow;
            if (pair % 2 == 0)
            {
                read = (await postgres.TimeReadAsync(Query, cancellationToken)).TotalSeconds;
                outflow = await RunUnchangedAsync(syncId, cancellationToken);
            }
            else
            {
                outflow = await RunUnchangedAsync(syncId, cancellationToken);
                read = (await postgres.TimeReadAsync(Query, cancellationToken)).TotalSeconds;
            }

            readSeconds.Add(read);
            outflowSeconds.Add(outflow);
            ratios.Add(outflow / read);
            Progress.Write($"unchanged pair {pair + 1}: outflow {outflow:F2} s, read {read:F2} s, ratio {outflow / read:F3}");
        }

        var result = Results.Ratio(Results.Median(ratios), Target.AtMost(1.3));
        result["outflow_seconds"] = Results.ToJson(outflowSeconds);
        result["read_seconds"] = Results.ToJson(readSeconds);
        result["pair_ratios"] = Results.ToJson(ratios);
        result["target_writes"] = 0;
        return result;
    }

    /// <summary>
    /// Scenario 3: an execution after a change set (0.25% inserts, 0.5% updates and 0.25% deletes, a new set each pair)
    /// divided by the median full sync of scenario 1. Its counts must equal the rows the change set changed.
    /// </summary>
    public async Task<JsonObject> OnePercentChangedAsync(CancellationToken cancellationToken)
    {
        var syncId = _syncId ?? throw new InvalidOperationException("The full sync scenario must run first.");
        var ratios = new List<double>();
        var seconds = new List<double>();
        ChangeSet? last = null;
        for (var pair = 0; pair < options.Pairs; pair++)
        {
            var changes = await postgres.ApplyChangeSetAsync(SourceTable, options.Rows, pair, cancellationToken);
            var execution = await _api.RunExecutionAsync(syncId, cancellationToken);
            var counts = RequireCompleted(execution, "1% changed");
            if (counts.Insert != changes.Inserts || counts.Update != changes.Updates || counts.Delete != changes.Deletes)
            {
                throw new BenchCheckException(
                    $"The 1% changed execution {execution.Id} counted {counts.Insert} inserts, {counts.Update} updates and " +
                    $"{counts.Delete} deletes; the change set made {changes.Inserts}, {changes.Updates} and {changes.Deletes}.");
            }

            seconds.Add(execution.Elapsed.TotalSeconds);
            ratios.Add(execution.Elapsed.TotalSeconds / _fullSyncMedianSeconds);
            last = changes;
            Progress.Write($"1% changed pair {pair + 1}: outflow {execution.Elapsed.TotalSeconds:F2} s, ratio {ratios[^1]:F3}");
        }

        var differences = await postgres.CountDifferencesAsync(SourceTable, OutflowTable, cancellationToken);
        if (differences != 0)
        {
            throw new BenchCheckException(
                $"After the 1% changed executions, {differences} rows differ between {SourceTable} and {OutflowTable}.");
        }

        var result = Results.Ratio(Results.Median(ratios), Target.AtMost(0.30));
        result["outflow_seconds"] = Results.ToJson(seconds);
        result["full_sync_median_seconds"] = Results.Round(_fullSyncMedianSeconds);
        result["pair_ratios"] = Results.ToJson(ratios);
        result["last_counts"] = new JsonObject { ["insert"] = last!.Inserts, ["update"] = last.Updates, ["delete"] = last.Deletes };
        return result;
    }

    /// <summary>
    /// Scenario 4: (read time + change detection time) / read time, as the engine reports them for the executions of
    /// scenario 2, median over those executions.
    /// </summary>
    public async Task<JsonObject> ChangeDetectionAsync(CancellationToken cancellationToken)
    {
        var ratios = new List<double>();
        foreach (var (syncId, executionId) in _unchangedExecutions)
        {
            var entries = await _api.GetConsoleLogAsync(syncId, executionId, cancellationToken);
            var timings = ReadChangeDetectionTimings(entries);
            if (timings is null)
            {
                return Results.Ratio(
                    null,
                    Target.AtMost(1.10),
                    $"no console log entry of execution {executionId} has the payload fields read_ms and change_detection_ms");
            }

            ratios.Add((timings.Value.ReadMilliseconds + timings.Value.ChangeDetectionMilliseconds) / timings.Value.ReadMilliseconds);
        }

        var result = Results.Ratio(Results.Median(ratios), Target.AtMost(1.10));
        result["pair_ratios"] = Results.ToJson(ratios);
        return result;
    }

    /// <summary>
    /// Finds the engine's own timings of one execution in its console log: the payload fields <c>read_ms</c> (time
    /// spent reading the model) and <c>change_detection_ms</c> (hashing and diffing the rows), from the first entry
    /// that has both. Returns null when no entry has them or the read time is not positive.
    /// </summary>
    public static (double ReadMilliseconds, double ChangeDetectionMilliseconds)? ReadChangeDetectionTimings(
        IReadOnlyList<JsonNode> entries)
    {
        foreach (var entry in entries)
        {
            if (entry["payload"] is JsonObject payload
                && payload["read_ms"] is JsonValue read
                && payload["change_detection_ms"] is JsonValue detection
                && read.TryGetValue<double>(out var readMilliseconds)
                && detection.TryGetValue<double>(out var detectionMilliseconds)
                && readMilliseconds > 0)
            {
                return (readMilliseconds, detectionMilliseconds);
            }
        }

        return null;
    }

    private async Task<double> RunPipeAsync(CancellationToken cancellationToken)
    {
        await postgres.TruncateAsync(PipeTable, cancellationToken);
        var elapsed = await postgres.TimeCopyPipeAsync(Query, PipeTable, cancellationToken);
        await RequireRowCountAsync(PipeTable, options.Rows, "the COPY pipe", cancellationToken);
        return elapsed.TotalSeconds;
    }

    /// <summary>Times the first execution of a new sync into the emptied target, so that every row is written.</summary>
    private async Task<double> RunFullSyncAsync(CancellationToken cancellationToken)
    {
        if (_syncId is not null)
        {
            await _api.DeleteSyncAsync(_syncId, cancellationToken);
        }

        await postgres.TruncateAsync(OutflowTable, cancellationToken);
        _syncId = await _api.CreateReplaceSyncAsync(
            "bench full sync", _modelId, _connectionId, $"public.{OutflowTable}", Postgres.Columns, cancellationToken);
        var execution = await _api.RunExecutionAsync(_syncId, cancellationToken);
        var counts = RequireCompleted(execution, "full sync");
        if (counts.Insert != options.Rows)
        {
            throw new BenchCheckException(
                $"The full sync execution {execution.Id} counted {counts.Insert} inserts, expected {options.Rows}.");
        }

        await RequireRowCountAsync(OutflowTable, options.Rows, $"the full sync execution {execution.Id}", cancellationToken);
        return execution.Elapsed.TotalSeconds;
    }

    private async Task<double> RunUnchangedAsync(string syncId, CancellationToken cancellationToken)
    {
        var before = await postgres.WriteSignatureAsync(OutflowTable, cancellationToken);
        var execution = await _api.RunExecutionAsync(syncId, cancellationToken);
        var counts = RequireCompleted(execution, "unchanged");
        if (counts.Total != 0)
        {
            throw new BenchCheckException(
                $"The execution {execution.Id} with nothing changed counted {counts.Total} records, expected 0.");
        }

        if (await postgres.WriteSignatureAsync(OutflowTable, cancellationToken) != before)
        {
            throw new BenchCheckException(
                $"The execution {execution.Id} with nothing changed wrote to {OutflowTable}: row versions changed.");
        }

        _unchangedExecutions.Add((syncId, execution.Id));
        return execution.Elapsed.TotalSeconds;
    }

    private async Task RequireRowCountAsync(string table, long expected, string writer, CancellationToken cancellationToken)
    {
        var count = await postgres.CountAsync(table, cancellationToken);
        if (count != expected)
        {
            throw new BenchCheckException(
                $"{table} holds {count.ToString(CultureInfo.InvariantCulture)} rows after {writer}, expected {expected}.");
        }
    }

    /// <summary>Returns the counts of a completed execution without record errors, or throws.</summary>
    public static ExecutionCounts RequireCompleted(ExecutionResult execution, string name)
    {
        if (execution.Status != "completed")
        {
            throw new BenchCheckException($"The {name} execution {execution.Id} ended {execution.Status}, expected completed.");
        }

        if (execution.Counts.Error != 0)
        {
            throw new BenchCheckException($"The {name} execution {execution.Id} counted {execution.Counts.Error} record errors.");
        }

        return execution.Counts;
    }
}
