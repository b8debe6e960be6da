using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>Runs every scenario in order and assembles the report.</summary>
internal static class BenchRun
{
    public static async Task<JsonObject> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        await using var postgres = new Postgres(options.PostgresPort);
        var report = new JsonObject
        {
            ["mode"] = options.Mode,
            ["rows"] = options.Rows,
            ["pairs"] = options.Pairs,
            ["commit"] = await RunEnvironment.CommitAsync(options.RepositoryDirectory, cancellationToken),
            ["machine"] = RunEnvironment.Machine(),
            ["versions"] = await RunEnvironment.VersionsAsync(postgres, cancellationToken),
        };
        var scenarios = new JsonObject();

        Progress.Write($"generating {PostgresScenarios.SourceTable} with {options.Rows:N0} rows");
        await postgres.GenerateAsync(PostgresScenarios.SourceTable, options.Rows, cancellationToken);

        await using (var server = await OutflowServer.StartAsync(
            options.RepositoryDirectory, Path.Combine(options.WorkDirectory, "server"), cancellationToken))
        {
            var postgresScenarios = new PostgresScenarios(options, postgres, server);
            await postgresScenarios.PrepareAsync(cancellationToken);
            Progress.Write("scenario 1: full sync against the COPY pipe");
            scenarios["full_sync"] = await postgresScenarios.FullSyncAsync(cancellationToken);
            Progress.Write("scenario 2: nothing changed against a bare read");
            scenarios["unchanged"] = await postgresScenarios.UnchangedAsync(cancellationToken);
            Progress.Write("scenario 3: 1% changed against the full sync");
            scenarios["one_percent_changed"] = await postgresScenarios.OnePercentChangedAsync(cancellationToken);
            Progress.Write("scenario 4: change detection against reading");
            scenarios["change_detection"] = await postgresScenarios.ChangeDetectionAsync(cancellationToken);
            Progress.Write("scenario 7: full sync into SQLite against the sqlite3 shell");
            var sqlite = await new SqliteScenario(options, postgres, server).RunAsync(cancellationToken);
            Progress.Write("scenario 6: List Executions, a deep page against page 1");
            scenarios["list_executions"] = await new ListExecutionsScenario(options, postgres, server).RunAsync(cancellationToken);
            scenarios["sqlite_full_sync"] = sqlite;
        }

        Progress.Write("scenario 5: peak memory of fresh servers");
        var memory = new MemoryScenario(options, postgres);
        var memoryResult = await memory.RunAsync(cancellationToken);
        scenarios["peak_memory"] = memoryResult;
        var ordered = Order(scenarios);
        report["scenarios"] = ordered;
        report["summary"] = Summarize(ordered);

        if (options.ChartDirectory is not null)
        {
            var charts = Charts.Write(options.ChartDirectory, memory.Points, $"{report["machine"]!["cores"]} cores, commit {Short(report["commit"])}");
            report["charts"] = new JsonArray(charts.Select(path => (JsonNode)path).ToArray());
        }

        report["elapsed_seconds"] = Results.Round(Progress.Elapsed.TotalSeconds, 1);
        return report;
    }

    /// <summary>Puts the scenarios in their numbered order (1 to 7), whatever order they ran in.</summary>
    private static JsonObject Order(JsonObject scenarios)
    {
        string[] order = ["full_sync", "unchanged", "one_percent_changed", "change_detection", "peak_memory", "list_executions", "sqlite_full_sync"];
        var ordered = new JsonObject();
        foreach (var name in order)
        {
            var value = scenarios[name];
            scenarios.Remove(name);
            ordered[name] = value;
        }

        return ordered;
    }

    /// <summary>Counts the scenarios whose ratio meets its target, misses it, or could not be measured.</summary>
    private static JsonObject Summarize(JsonObject scenarios)
    {
        var passes = scenarios.Select(scenario => scenario.Value!["pass"]?.GetValue<bool>()).ToList();
        return new JsonObject
        {
            ["passed"] = passes.Count(pass => pass == true),
            ["failed"] = passes.Count(pass => pass == false),
            ["not_measured"] = passes.Count(pass => pass is null),
        };
    }

    private static string Short(JsonNode? commit) => commit?.GetValue<string>() is { Length: >= 7 } text ? text[..7] : "unknown";
}
