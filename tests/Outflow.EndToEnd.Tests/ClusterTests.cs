using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs the distributed mode as child processes on one PostgreSQL store: <c>outflow api</c> and two
/// <c>outflow worker</c> processes, each with its own data directory, sharing the master key and files root.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ClusterTests(PostgresFixture postgres)
{
    private const int SmallRows = 300;
    // Ten batches of the postgresql target's 10,000 records, so that a stop after the first batch leaves a partial target.
    private const int LargeRows = 100_000;

    [Fact]
    public async Task Workers_run_once_and_take_over()
    {
        await using var cluster = await ClusterHarness.StartAsync(postgres, workers: 0);
        await ClusterHarness.WriteRowsSourceAsync(Path.Combine(cluster.FilesRoot, "rows.sqlite"), LargeRows);
        await ClusterHarness.WriteRowsSourceAsync(Path.Combine(cluster.FilesRoot, "small.sqlite"), SmallRows);
        var firstWorker = await cluster.StartWorkerAsync();
        var secondWorker = await cluster.StartWorkerAsync();
        var workers = new[] { firstWorker.Process, secondWorker.Process };
        var api = cluster.Client;

        // The worker serves health checks only, and the api process has the API.
        using (var http = new HttpClient { BaseAddress = firstWorker.Address })
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("readyz")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("api/syncs")).StatusCode);
        }

        // Several syncs started through the api process each run once, on exactly one worker.
        var small = new List<(string SyncId, string ExecutionId, PostgresDatabase Target)>();
        for (var i = 0; i < 4; i++)
        {
            var target = await CreateTargetAsync(cluster);
            var syncId = await CreateSyncAsync(cluster, target, "small.sqlite");
            var started = await api.PostAsync($"api/syncs/{syncId}/executions", new { });
            small.Add((syncId, started["data"]!["id"]!.GetValue<string>(), target));
        }

        foreach (var (syncId, executionId, target) in small)
        {
            var execution = await cluster.WaitForLastExecutionAsync(syncId, TimeSpan.FromSeconds(60));
            Assert.Equal(executionId, execution["id"]!.GetValue<string>());
            Assert.Equal("completed", execution["status"]!.GetValue<string>());
            Assert.Single(workers, worker => worker.LoggedStart(executionId));
            Assert.False(cluster.Api.LoggedStart(executionId));
            var (count, distinct) = await SummarizeAsync(target);
            Assert.Equal(SmallRows, count);
            Assert.Equal(SmallRows, distinct);
        }

        // A worker killed with SIGKILL mid-execution loses its execution to the other worker.
        var largeTarget = await CreateTargetAsync(cluster);
        var largeSyncId = await CreateSyncAsync(cluster, largeTarget, "rows.sqlite");
        var largeStart = await api.PostAsync($"api/syncs/{largeSyncId}/executions", new { });
        var largeExecutionId = largeStart["data"]!["id"]!.GetValue<string>();
        while ((await SummarizeAsync(largeTarget)).Count == 0)
        {
            await Task.Delay(20);
        }

        var owner = workers.Single(worker => worker.LoggedStart(largeExecutionId));
        var survivor = workers.Single(worker => worker != owner);
        await cluster.KillWorkerAsync(owner);
        Assert.InRange((await SummarizeAsync(largeTarget)).Count, 1, LargeRows - 1);

        var resumed = await cluster.WaitForLastExecutionAsync(largeSyncId, TimeSpan.FromSeconds(90));
        Assert.Equal(largeExecutionId, resumed["id"]!.GetValue<string>());
        Assert.Equal("completed", resumed["status"]!.GetValue<string>());
        Assert.Equal(0, resumed["counts"]!["error"]!.GetValue<long>());
        Assert.True(survivor.LoggedStart(largeExecutionId));
        var (largeCount, largeDistinct) = await SummarizeAsync(largeTarget);
        Assert.Equal(LargeRows, largeCount);
        Assert.Equal(LargeRows, largeDistinct);
    }

    [Fact]
    public async Task Sigterm_hands_execution_to_other_worker()
    {
        await using var cluster = await ClusterHarness.StartAsync(postgres, workers: 0);
        await ClusterHarness.WriteRowsSourceAsync(Path.Combine(cluster.FilesRoot, "rows.sqlite"), LargeRows);
        var firstWorker = await cluster.StartWorkerAsync();
        var secondWorker = await cluster.StartWorkerAsync();
        var workers = new[] { firstWorker.Process, secondWorker.Process };
        var api = cluster.Client;

        var target = await CreateTargetAsync(cluster);
        var syncId = await CreateSyncAsync(cluster, target, "rows.sqlite");
        var started = await api.PostAsync($"api/syncs/{syncId}/executions", new { });
        var executionId = started["data"]!["id"]!.GetValue<string>();
        while ((await SummarizeAsync(target)).Count == 0)
        {
            await Task.Delay(20);
        }

        // SIGTERM mid-execution: the worker stops the runner at a checkpoint, hands the execution back to Quartz
        // and exits cleanly within the host's shutdown timeout (30 seconds by default).
        // A lock on the execution's row holds the hand-back for 4 seconds, longer than the 2 seconds after which
        // System.CommandLine would end the process.
        var owner = workers.Single(worker => worker.LoggedStart(executionId));
        var survivor = workers.Single(worker => worker != owner);
        int? exitCode;
        await using (var store = new NpgsqlConnection(cluster.Store.ConnectionString))
        {
            await store.OpenAsync();
            await using var transaction = await store.BeginTransactionAsync();
            await using var lockRow = new NpgsqlCommand("SELECT id FROM executions WHERE id = @id FOR UPDATE", store, transaction);
            lockRow.Parameters.AddWithValue("id", executionId);
            await lockRow.ExecuteScalarAsync();
            var terminated = owner.TerminateAsync(TimeSpan.FromSeconds(120));
            await Task.Delay(TimeSpan.FromSeconds(4));
            await transaction.CommitAsync();
            exitCode = await terminated;
        }

        Assert.True(exitCode is not null, "the worker did not exit 120 seconds after SIGTERM:\n" + string.Join('\n', owner.Output));
        Assert.Equal(0, exitCode);

        // NOTE: with Quartz 4.7.3 the rest of this test also passes when the drain service is not registered, so only
        // this log check depends on the drain, and the test does not show the hand-back failing without it.
        Assert.Contains(owner.Output, line => line.Contains("running jobs returned", StringComparison.Ordinal));
        Assert.InRange((await SummarizeAsync(target)).Count, 1, LargeRows - 1);

        var resumed = await cluster.WaitForLastExecutionAsync(syncId, TimeSpan.FromSeconds(120));
        Assert.Equal(executionId, resumed["id"]!.GetValue<string>());
        Assert.Equal("completed", resumed["status"]!.GetValue<string>());
        Assert.Equal(0, resumed["counts"]!["error"]!.GetValue<long>());
        Assert.True(survivor.LoggedStart(executionId));
        var (count, distinct) = await SummarizeAsync(target);
        Assert.Equal(LargeRows, count);
        Assert.Equal(LargeRows, distinct);
    }

    [Fact]
    public async Task Api_serves_log_files_of_worker_execution()
    {
        await using var cluster = await ClusterHarness.StartAsync(postgres, workers: 1);
        await ClusterHarness.WriteRowsSourceAsync(Path.Combine(cluster.FilesRoot, "small.sqlite"), SmallRows);
        var api = cluster.Client;
        var target = await CreateTargetAsync(cluster);
        var syncId = await CreateSyncAsync(cluster, target, "small.sqlite");

        var execution = await api.RunSyncAsync(syncId);
        var executionId = execution["id"]!.GetValue<string>();
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        Assert.True(cluster.Workers[0].LoggedStart(executionId));
        Assert.False(cluster.Api.LoggedStart(executionId));

        // The worker moved its files into the store, and the api process never had any of its own. The worker deletes
        // its local copies only after it records the end, so they may outlive the terminal status by a moment.
        var workerLogs = Path.Combine(cluster.DataDirectoryOf("worker-1"), "logs", executionId);
        await ClusterHarness.WaitUntilAsync(() => Task.FromResult(!Directory.Exists(workerLogs)), TimeSpan.FromSeconds(30));
        Assert.False(Directory.Exists(Path.Combine(cluster.DataDirectoryOf("api"), "logs", executionId)));

        var index = await api.GetAsync($"api/syncs/{syncId}/executions/{executionId}/logs");
        var files = index["data"]!["files"]!.AsArray().Select(file => file!).ToList();
        Assert.Equal(["records-0000.jsonl", "inserts-0000.jsonl"], files.Select(file => file["name"]!.GetValue<string>()));
        Assert.All(files, file => Assert.Equal(SmallRows, file["records"]!.GetValue<long>()));

        using var download = new HttpClient();
        foreach (var file in files)
        {
            var type = file["type"]!.GetValue<string>();
            var urls = (await api.GetAsync($"api/syncs/{syncId}/executions/{executionId}/{type}"))["data"]!["urls"]!.AsArray();
            var url = Assert.Single(urls)!.GetValue<string>();
            Assert.Contains("/api/logs/download/", url, StringComparison.Ordinal);

            var bytes = await download.GetByteArrayAsync(url);
            Assert.Equal(file["bytes"]!.GetValue<long>(), bytes.Length);
            var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!)
                .OrderBy(line => long.Parse(line["identity"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            Assert.Equal(SmallRows, lines.Count);
            for (var i = 0; i < SmallRows; i++)
            {
                Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), lines[i]["identity"]!.ToString());
                Assert.Equal("insert", lines[i]["operation"]!.GetValue<string>());
                Assert.Equal($"row {i + 1}", lines[i]["fields"]!["name"]!.GetValue<string>());
            }
        }
    }

    private static async Task<PostgresDatabase> CreateTargetAsync(ClusterHarness cluster)
    {
        var target = await cluster.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE TABLE public.rows (id bigint PRIMARY KEY, name text)", connection);
        await command.ExecuteNonQueryAsync();
        return target;
    }

    private static async Task<string> CreateSyncAsync(ClusterHarness cluster, PostgresDatabase target, string sourceFile)
    {
        var sourceId = await cluster.CreateConnectionAsync(sourceFile, "sqlite", new { path = sourceFile });
        var warehouseId = await cluster.CreateConnectionAsync("warehouse", "postgresql", target.Configuration);
        var modelId = await cluster.CreateTableModelAsync(sourceFile, sourceId, "rows");
        return await cluster.CreateRowsSyncAsync(sourceFile + " to warehouse", modelId, warehouseId, "public.rows", new { frequency = "manual" });
    }

    private static async Task<(long Count, long Distinct)> SummarizeAsync(PostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT id) FROM public.rows", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
