using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Outflow.Bench;

/// <summary>
/// The API load run: concurrent clients call a real <c>outflow serve</c> with the rate limit on, while busy syncs read
/// a generated SQLite table that keeps changing and write into SQLite targets. After the load it waits for the
/// executions to end, runs each busy sync once more and checks every execution and target.
/// </summary>
internal sealed class LoadRun(LoadOptions options)
{
    /// <summary>Columns of the generated table <c>t</c> and of every target table.</summary>
    public static readonly IReadOnlyList<string> Columns = ["id", "name", "amount", "score", "flag", "created"];

    private const string TableDefinition =
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC, score REAL, flag INTEGER, created TEXT)";

    /// <summary>Rows of the small sync's model: its executions are short, so it collects enough of them for paging.</summary>
    private const long SmallSyncRows = 100;

    /// <summary>Finished executions of the small sync copied into a SQLite store, so that List Executions has pages.</summary>
    private const int SeededExecutions = 120;

    /// <summary>Interval between the source changes: each updates 1% of the rows.</summary>
    private static readonly TimeSpan ChangeInterval = TimeSpan.FromSeconds(1);

    /// <summary>Interval between Sync Status requests while waiting for an execution to end.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the run waits for the executions to end after the load, so that a stuck execution fails it.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs the load and returns the report and the failed checks, empty when the run passed.</summary>
    public async Task<(JsonObject Report, IReadOnlyList<string> Failures)> RunAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(options.WorkDirectory, "load-server");
        var filesRoot = Path.Combine(dataDirectory, "files");
        Directory.CreateDirectory(filesRoot);
        Progress.Write($"generating {options.Rows:N0} rows of the SQLite model");
        await CreateSourceAsync(Path.Combine(filesRoot, "source.sqlite"), cancellationToken);
        for (var i = 0; i <= options.Syncs; i++)
        {
            await CreateEmptyTableAsync(Path.Combine(filesRoot, TargetFile(i)), cancellationToken);
        }

        await CreateEmptyTableAsync(Path.Combine(filesRoot, "scratch.sqlite"), cancellationToken);

        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_RATE_LIMIT_PER_SECOND"] = options.RateLimitPerSecond.ToString(CultureInfo.InvariantCulture),
            ["OUTFLOW_RATE_LIMIT_BURST"] = options.RateLimitBurst.ToString(CultureInfo.InvariantCulture),
        };
        if (options.Store != "sqlite")
        {
            environment["OUTFLOW_STORE"] = options.Store;
        }

        await using var server = await OutflowServer.StartAsync(
            options.RepositoryDirectory, dataDirectory, cancellationToken, environment);
        var workload = await CreateWorkloadAsync(server.Api, cancellationToken);
        await SeedExecutionsAsync(server, workload.BusySyncIds[^1], cancellationToken);
        var keys = await CreateKeysAsync(server, cancellationToken);

        var failures = new List<string>();
        var statistics = new LoadStatistics();
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        Progress.Write($"{options.Clients} clients with {options.KeyCount} keys for {options.Seconds} s");
        var duration = await RunClientsAsync(
            server.BaseAddress, keys, workload, statistics, Path.Combine(filesRoot, "source.sqlite"), cancellationToken);
        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();

        if (statistics.Unexpected > 0)
        {
            failures.Add($"{statistics.Unexpected} responses were neither 2xx, 429 nor a 409 from Start Sync.");
        }

        if (statistics.ConnectionErrors > 0)
        {
            failures.Add($"{statistics.ConnectionErrors} requests got no response.");
        }

        Progress.Write("waiting for the busy syncs' executions to end");
        foreach (var syncId in workload.BusySyncIds)
        {
            await WaitUntilIdleAsync(server.Api, syncId, cancellationToken);
        }

        var executions = await CheckExecutionsAsync(server.Api, workload, failures, cancellationToken);
        var targets = await CheckTargetsAsync(server.Api, workload, filesRoot, failures, cancellationToken);

        var report = new JsonObject
        {
            ["mode"] = "load",
            ["commit"] = await RunEnvironment.CommitAsync(options.RepositoryDirectory, cancellationToken),
            ["machine"] = RunEnvironment.Machine(),
            ["load_average_before"] = loadBefore,
            ["load_average_after"] = loadAfter,
            ["seconds"] = Results.Round(duration.TotalSeconds, 1),
            ["clients"] = options.Clients,
            ["keys"] = options.KeyCount,
            ["rows"] = options.Rows,
            ["busy_syncs"] = options.Syncs,
            ["small_sync_rows"] = SmallSyncRows,
            ["seeded_executions"] = options.Store == "sqlite" ? SeededExecutions : 0,
            ["store"] = options.Store == "sqlite" ? "sqlite" : "postgresql",
            ["rate_limit"] = new JsonObject { ["per_second"] = options.RateLimitPerSecond, ["burst"] = options.RateLimitBurst },
        };
        foreach (var (name, value) in statistics.ToJson(duration))
        {
            report[name] = value?.DeepClone();
        }

        report["executions"] = executions;
        report["targets"] = targets;
        report["server_peak_rss_mb"] = Results.Round(server.PeakMemoryMegabytes(), 1);
        report["pass"] = failures.Count == 0;
        report["failures"] = new JsonArray(failures.Select(failure => (JsonNode?)failure).ToArray());
        return (report, failures);
    }

    private static string TargetFile(int index) => string.Create(CultureInfo.InvariantCulture, $"target-{index + 1}.sqlite");

    /// <summary>Writes the model's table in WAL mode, so that the source changes during the load never block the server's reads.</summary>
    private async Task CreateSourceAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken);
        await ExecuteAsync(
            connection,
            $"""
            PRAGMA journal_mode = WAL;
            {TableDefinition};
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {options.Rows})
            INSERT INTO t SELECT i, 'name ' || i || ' ü', (i % 100000) / 100.0, i / 7.0, i % 2,
                date('2025-01-01', '+' || (i % 365) || ' days') FROM n;
            """,
            cancellationToken);
    }

    private static async Task CreateEmptyTableAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken);
        await ExecuteAsync(connection, TableDefinition, cancellationToken);
    }

    private async Task<LoadWorkload> CreateWorkloadAsync(OutflowApi api, CancellationToken cancellationToken)
    {
        var sourceId = await api.CreateSqliteConnectionAsync("load source", "source.sqlite", cancellationToken);
        var modelId = await api.CreateQueryModelAsync(
            "load source", sourceId, $"SELECT {string.Join(", ", Columns)} FROM t", cancellationToken);
        var scratchId = await api.CreateSqliteConnectionAsync("load scratch", "scratch.sqlite", cancellationToken);
        var smallModelId = await api.CreateQueryModelAsync(
            "load small", sourceId, $"SELECT {string.Join(", ", Columns)} FROM t WHERE id <= {SmallSyncRows}", cancellationToken);
        var syncIds = new List<string>();
        for (var i = 0; i <= options.Syncs; i++)
        {
            // The last sync is the small one.
            var small = i == options.Syncs;
            var targetId = await api.CreateSqliteConnectionAsync($"load target {i + 1}", TargetFile(i), cancellationToken);
            syncIds.Add(await api.CreateReplaceSyncAsync(
                small ? "load small" : $"load {i + 1}", small ? smallModelId : modelId, targetId, "t", Columns, cancellationToken));
        }

        return new LoadWorkload
        {
            SourceConnectionId = sourceId,
            ModelId = modelId,
            ScratchConnectionId = scratchId,
            BusySyncIds = syncIds,
        };
    }

    /// <summary>
    /// Runs the small sync once and, on a SQLite store, copies that execution <see cref="SeededExecutions"/> times, so
    /// that List Executions of the small sync returns page tokens from the start.
    /// </summary>
    private async Task SeedExecutionsAsync(OutflowServer server, string smallSyncId, CancellationToken cancellationToken)
    {
        var template = await server.Api.RunExecutionAsync(smallSyncId, cancellationToken);
        if (template.Status != "completed")
        {
            throw new BenchCheckException($"The first execution {template.Id} of the small sync ended {template.Status}.");
        }

        // NOTE: on a PostgreSQL store the small sync starts without copies, so page tokens of List Executions appear
        // only once it has run more than 50 times.
        if (options.Store == "sqlite")
        {
            await server.InsertExecutionCopiesAsync(template.Id, SeededExecutions, cancellationToken);
        }
    }

    /// <summary>Creates the clients' API keys, four <c>outflow keys create</c> processes at a time.</summary>
    private async Task<IReadOnlyList<string>> CreateKeysAsync(OutflowServer server, CancellationToken cancellationToken)
    {
        Progress.Write($"creating {options.KeyCount} API keys");
        var keys = new string[options.KeyCount];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.KeyCount),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (index, token) => keys[index] = await server.CreateApiKeyAsync($"load client {index + 1}", token));
        return keys;
    }

    /// <summary>Runs the clients and the source changes for the configured time and returns how long the clients ran.</summary>
    private async Task<TimeSpan> RunClientsAsync(
        Uri baseAddress, IReadOnlyList<string> keys, LoadWorkload workload, LoadStatistics statistics, string sourcePath,
        CancellationToken cancellationToken)
    {
        var clients = Enumerable.Range(0, options.Clients)
            .Select(index => new LoadClient(index, baseAddress, keys[index % keys.Count], workload, statistics))
            .ToList();
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var stopwatch = Stopwatch.StartNew();
            var changes = ChangeSourceAsync(sourcePath, stop.Token);
            var running = clients.Select(client => Task.Run(() => client.RunAsync(stop.Token), CancellationToken.None)).ToList();
            await Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(running);
            stopwatch.Stop();
            await changes;
            cancellationToken.ThrowIfCancellationRequested();
            return stopwatch.Elapsed;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Updates 1% of the source rows every second until the load ends, so every busy execution writes.</summary>
    private async Task ChangeSourceAsync(string path, CancellationToken stop)
    {
        await using var connection = await OpenAsync(path, CancellationToken.None);
        for (var change = 0; !stop.IsCancellationRequested; change++)
        {
            await ExecuteAsync(
                connection,
                string.Create(CultureInfo.InvariantCulture, $"UPDATE t SET amount = round(amount + 1, 2) WHERE id % 100 = {change % 100}"),
                CancellationToken.None);
            try
            {
                await Task.Delay(ChangeInterval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<JsonNode> WaitUntilIdleAsync(OutflowApi api, string syncId, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var status = (await api.GetAsync($"/api/syncs/{syncId}/status", cancellationToken))["data"]!;
            if (status["current_execution"] is null)
            {
                return status;
            }

            if (stopwatch.Elapsed > DrainTimeout)
            {
                throw new BenchCheckException(
                    $"Sync {syncId} still had an execution in progress {DrainTimeout.TotalMinutes} minutes after the load ended.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Walks every execution of the busy syncs and checks that each completed and that each execution Start Sync
    /// accepted is among them. Returns the counts per status.
    /// </summary>
    private static async Task<JsonObject> CheckExecutionsAsync(
        OutflowApi api, LoadWorkload workload, List<string> failures, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var syncId in workload.BusySyncIds)
        {
            string? token = null;
            do
            {
                var page = await api.GetAsync(OutflowApi.ListExecutionsPath(syncId, token), cancellationToken);
                foreach (var execution in page["data"]!.AsArray())
                {
                    var id = execution!["id"]!.GetValue<string>();
                    var status = execution["status"]!.GetValue<string>();
                    seen.Add(id);
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (status != "completed")
                    {
                        failures.Add($"Execution {id} of sync {syncId} ended {status}: {execution["errors"]?.ToJsonString()}");
                    }
                }

                token = page["pagination"]?["next_page_token"]?.GetValue<string>();
            }
            while (token is not null);
        }

        var started = workload.StartedExecutions.ToList();
        var missing = started.Where(id => !seen.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            failures.Add($"{missing.Count} executions that Start Sync accepted are not listed, such as {missing[0]}.");
        }

        if (started.Count == 0)
        {
            failures.Add("Start Sync accepted no execution during the load.");
        }

        var result = new JsonObject { ["started_during_load"] = started.Count };
        foreach (var (status, count) in statuses.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            result[status] = count;
        }

        return result;
    }

    /// <summary>
    /// Runs each busy sync once more after the source stopped changing and checks that its target then contains its
    /// model's rows: the same count, id sum and amount sum.
    /// </summary>
    private static async Task<JsonArray> CheckTargetsAsync(
        OutflowApi api, LoadWorkload workload, string filesRoot, List<string> failures, CancellationToken cancellationToken)
    {
        var results = new JsonArray();
        for (var i = 0; i < workload.BusySyncIds.Count; i++)
        {
            var syncId = workload.BusySyncIds[i];
            var maxId = i == workload.BusySyncIds.Count - 1 ? SmallSyncRows : long.MaxValue;
            var source = await SummarizeAsync(Path.Combine(filesRoot, "source.sqlite"), maxId, cancellationToken);
            var started = await api.PostAsync($"/api/syncs/{syncId}/executions", new JsonObject(), cancellationToken);
            var executionId = started["data"]!["id"]!.GetValue<string>();
            var status = await WaitUntilIdleAsync(api, syncId, cancellationToken);
            var last = status["last_execution"];
            if (last?["id"]?.GetValue<string>() != executionId || last["status"]?.GetValue<string>() != "completed")
            {
                failures.Add($"The final execution {executionId} of sync {syncId} did not complete: {last?.ToJsonString()}");
            }

            var target = await SummarizeAsync(Path.Combine(filesRoot, TargetFile(i)), long.MaxValue, cancellationToken);
            if (target != source)
            {
                failures.Add($"Target {TargetFile(i)} contains {target}, its model {source}.");
            }

            results.Add(new JsonObject { ["file"] = TargetFile(i), ["rows"] = target.Rows, ["equals_source"] = target == source });
        }

        return results;
    }

    /// <summary>Summarizes the rows of table <c>t</c> with an id of at most <paramref name="maxId"/>.</summary>
    private static async Task<TableSummary> SummarizeAsync(string path, long maxId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), total(id), round(total(amount), 2) FROM t WHERE id <= $maxId";
        command.Parameters.AddWithValue("$maxId", maxId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new TableSummary(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2));
    }

    private static async Task<SqliteConnection> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA busy_timeout = 30000", cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Row count and sums of a table <c>t</c>, equal for two tables with the same rows.</summary>
    private sealed record TableSummary(long Rows, double IdSum, double AmountSum);
}
