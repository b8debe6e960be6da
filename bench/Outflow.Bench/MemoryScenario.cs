using System.Globalization;
using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>One full sync on a fresh server: its throughput, the COPY pipe's at the same size and the server's VmHWM.</summary>
internal sealed record SeriesPoint(long Rows, double OutflowRowsPerSecond, double PipeRowsPerSecond, double PeakMegabytes);

/// <summary>
/// Scenario 5 and the chart's series: for each row count a fresh server runs one full sync of that many rows, so its
/// peak resident memory (VmHWM) belongs to that row count alone.
/// </summary>
internal sealed class MemoryScenario(BenchOptions options, Postgres postgres)
{
    public const string SourceTable = "bench_memory";
    private const string OutflowTable = "memory_target";
    private const string PipeTable = "memory_pipe";
    private const double LimitMegabytes = 200;

    public IReadOnlyList<SeriesPoint> Points { get; private set; } = [];

    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        Progress.Write($"generating {SourceTable} with {options.MemoryRows[^1]:N0} rows");
        await postgres.GenerateAsync(SourceTable, options.MemoryRows[^1], cancellationToken);
        await postgres.CreateEmptyCopyAsync(OutflowTable, SourceTable, cancellationToken);
        await postgres.CreateEmptyCopyAsync(PipeTable, SourceTable, cancellationToken);

        var points = new List<SeriesPoint>();
        foreach (var rows in options.MemoryRows)
        {
            points.Add(await MeasureAsync(rows, cancellationToken));
        }

        Points = points;
        var smallest = points[0];
        var largest = points[^1];
        var ratio = largest.PeakMegabytes / smallest.PeakMegabytes;
        var result = Results.Ratio(ratio, Target.AtMost(1.2));
        result["pass"] = ratio <= 1.2 && largest.PeakMegabytes < LimitMegabytes;
        result["limit_mb"] = LimitMegabytes;
        result["series"] = new JsonArray(points.Select(point => (JsonNode)new JsonObject
        {
            ["rows"] = point.Rows,
            ["peak_mb"] = Results.Round(point.PeakMegabytes, 1),
            ["outflow_rows_per_second"] = Math.Round(point.OutflowRowsPerSecond),
            ["pipe_rows_per_second"] = Math.Round(point.PipeRowsPerSecond),
        }).ToArray());
        return result;
    }

    private async Task<SeriesPoint> MeasureAsync(long rows, CancellationToken cancellationToken)
    {
        var query = Postgres.ModelQuery(SourceTable, rows);
        await postgres.TruncateAsync(PipeTable, cancellationToken);
        var pipe = await postgres.TimeCopyPipeAsync(query, PipeTable, cancellationToken);

        await postgres.TruncateAsync(OutflowTable, cancellationToken);
        var dataDirectory = Path.Combine(options.WorkDirectory, $"memory-{rows.ToString(CultureInfo.InvariantCulture)}");
        await using var server = await OutflowServer.StartAsync(options.RepositoryDirectory, dataDirectory, cancellationToken);
        var api = server.Api;
        var connectionId = await api.CreatePostgresConnectionAsync("bench", postgres.Port, cancellationToken);
        var modelId = await api.CreateQueryModelAsync("bench_memory", connectionId, query, cancellationToken);
        var syncId = await api.CreateReplaceSyncAsync(
            "bench memory", modelId, connectionId, $"public.{OutflowTable}", Postgres.Columns, cancellationToken);
        var execution = await api.RunExecutionAsync(syncId, cancellationToken);
        var counts = PostgresScenarios.RequireCompleted(execution, "memory");
        var written = await postgres.CountAsync(OutflowTable, cancellationToken);
        if (counts.Insert != rows || written != rows)
        {
            throw new BenchCheckException(
                $"The memory execution {execution.Id} counted {counts.Insert} inserts and {OutflowTable} holds {written} rows, " +
                $"expected {rows}.");
        }

        var point = new SeriesPoint(
            rows, rows / execution.Elapsed.TotalSeconds, rows / pipe.TotalSeconds, server.PeakMemoryMegabytes());
        Progress.Write($"memory at {rows:N0} rows: VmHWM {point.PeakMegabytes:F1} MB, " +
            $"outflow {point.OutflowRowsPerSecond:F0} rows/s, pipe {point.PipeRowsPerSecond:F0} rows/s");
        return point;
    }
}
