using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs the distributed mode as child processes on one PostgreSQL store: <c>outflow api</c> and two
/// <c>outflow worker</c> processes, each with its own data directory, sharing the master key and files root.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ClusterTests(PostgresFixture postgres) : IDisposable
{
    private const string ApiKey = "cluster-test-key-0123456789";
    private const int SmallRows = 300;
    private const int LargeRows = 20_000;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "outflow-cluster-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Workers_run_once_and_take_over()
    {
        var filesRoot = Path.Combine(_root, "files");
        Directory.CreateDirectory(filesRoot);
        await WriteSourceAsync(Path.Combine(filesRoot, "rows.sqlite"), LargeRows);
        await WriteSourceAsync(Path.Combine(filesRoot, "small.sqlite"), SmallRows);
        var store = await postgres.CreateDatabaseAsync();
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var apiProcess = await StartAsync("api", "api", store, filesRoot, masterKey);
        await using var apiScope = apiProcess.Process;
        var firstWorker = await StartAsync("worker", "worker-1", store, filesRoot, masterKey);
        await using var firstScope = firstWorker.Process;
        var secondWorker = await StartAsync("worker", "worker-2", store, filesRoot, masterKey);
        await using var secondScope = secondWorker.Process;
        var workers = new[] { firstWorker.Process, secondWorker.Process };
        using var api = new ApiClient(apiProcess.Address, ApiKey);

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
            var target = await CreateTargetAsync();
            var syncId = await CreateSyncAsync(api, target, "small.sqlite");
            var started = await api.PostAsync($"api/syncs/{syncId}/executions", new { });
            small.Add((syncId, started["data"]!["id"]!.GetValue<string>(), target));
        }

        foreach (var (syncId, executionId, target) in small)
        {
            var execution = await WaitForLastExecutionAsync(api, syncId, TimeSpan.FromSeconds(60));
            Assert.Equal(executionId, execution["id"]!.GetValue<string>());
            Assert.Equal("completed", execution["status"]!.GetValue<string>());
            Assert.Single(workers, worker => worker.LoggedStart(executionId));
            Assert.False(apiProcess.Process.LoggedStart(executionId));
            var (count, distinct) = await SummarizeAsync(target);
            Assert.Equal(SmallRows, count);
            Assert.Equal(SmallRows, distinct);
        }

        // A worker killed with SIGKILL mid-execution loses its execution to the other worker.
        var largeTarget = await CreateTargetAsync();
        var largeSyncId = await CreateSyncAsync(api, largeTarget, "rows.sqlite");
        var largeStart = await api.PostAsync($"api/syncs/{largeSyncId}/executions", new { });
        var largeExecutionId = largeStart["data"]!["id"]!.GetValue<string>();
        while ((await SummarizeAsync(largeTarget)).Count == 0)
        {
            await Task.Delay(20);
        }

        var owner = workers.Single(worker => worker.LoggedStart(largeExecutionId));
        var survivor = workers.Single(worker => worker != owner);
        await owner.KillAsync();
        Assert.InRange((await SummarizeAsync(largeTarget)).Count, 1, LargeRows - 1);

        var resumed = await WaitForLastExecutionAsync(api, largeSyncId, TimeSpan.FromSeconds(90));
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
        var filesRoot = Path.Combine(_root, "files");
        Directory.CreateDirectory(filesRoot);
        await WriteSourceAsync(Path.Combine(filesRoot, "rows.sqlite"), LargeRows);
        var store = await postgres.CreateDatabaseAsync();
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var apiProcess = await StartAsync("api", "api", store, filesRoot, masterKey);
        await using var apiScope = apiProcess.Process;
        var firstWorker = await StartAsync("worker", "worker-1", store, filesRoot, masterKey);
        await using var firstScope = firstWorker.Process;
        var secondWorker = await StartAsync("worker", "worker-2", store, filesRoot, masterKey);
        await using var secondScope = secondWorker.Process;
        var workers = new[] { firstWorker.Process, secondWorker.Process };
        using var api = new ApiClient(apiProcess.Address, ApiKey);

        var target = await CreateTargetAsync();
        var syncId = await CreateSyncAsync(api, target, "rows.sqlite");
        var started = await api.PostAsync($"api/syncs/{syncId}/executions", new { });
        var executionId = started["data"]!["id"]!.GetValue<string>();
        while ((await SummarizeAsync(target)).Count == 0)
        {
            await Task.Delay(20);
        }

        // SIGTERM mid-execution: the worker stops the runner at a checkpoint, hands the execution back to Quartz
        // and exits cleanly within the host's shutdown timeout (30 seconds by default).
        var owner = workers.Single(worker => worker.LoggedStart(executionId));
        var survivor = workers.Single(worker => worker != owner);
        var exitCode = await owner.TerminateAsync(TimeSpan.FromSeconds(120));
        Assert.True(exitCode is not null, "the worker did not exit 120 seconds after SIGTERM:\n" + string.Join('\n', owner.Output));
        Assert.Equal(0, exitCode);
        // NOTE: with Quartz 4.7.3 the rest of this test also passes when the drain service is not registered, so only
        // this log check depends on the drain, and the test does not show the hand-back failing without it.
        Assert.Contains(owner.Output, line => line.Contains("running jobs returned", StringComparison.Ordinal));
        Assert.InRange((await SummarizeAsync(target)).Count, 1, LargeRows - 1);

        var resumed = await WaitForLastExecutionAsync(api, syncId, TimeSpan.FromSeconds(120));
        Assert.Equal(executionId, resumed["id"]!.GetValue<string>());
        Assert.Equal("completed", resumed["status"]!.GetValue<string>());
        Assert.Equal(0, resumed["counts"]!["error"]!.GetValue<long>());
        Assert.True(survivor.LoggedStart(executionId));
        var (count, distinct) = await SummarizeAsync(target);
        Assert.Equal(LargeRows, count);
        Assert.Equal(LargeRows, distinct);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<(OutflowProcess Process, Uri Address)> StartAsync(
        string command, string name, PostgresDatabase store, string filesRoot, string masterKey)
    {
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = Path.Combine(_root, name),
            ["OUTFLOW_FILES_ROOT"] = filesRoot,
            ["OUTFLOW_MASTER_KEY"] = masterKey,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
            ["OUTFLOW_STORE"] = store.ConnectionString,
        };
        return await OutflowProcess.StartServerAsync(command, environment, "--urls", "http://127.0.0.1:0");
    }

    private async Task<PostgresDatabase> CreateTargetAsync()
    {
        var target = await postgres.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE TABLE public.rows (id bigint PRIMARY KEY, name text)", connection);
        await command.ExecuteNonQueryAsync();
        return target;
    }

    private static async Task<string> CreateSyncAsync(ApiClient api, PostgresDatabase target, string sourceFile)
    {
        var source = await api.PostAsync("api/connections", new { name = sourceFile, type = "sqlite", configuration = new { path = sourceFile } });
        var warehouse = await api.PostAsync("api/connections", new { name = "warehouse", type = "postgresql", configuration = target.Configuration });
        var model = await api.PostAsync("api/models", new
        {
            name = sourceFile,
            connection_id = source["data"]!["id"]!.GetValue<string>(),
            configuration = new { table = "rows" },
        });
        var modelId = model["data"]!["id"]!.GetValue<string>();
        var sync = await api.PostAsync("api/syncs", new
        {
            name = sourceFile + " to warehouse",
            mode = "replace",
            active = true,
            schedule = new { frequency = "manual" },
            target = new { connection_id = warehouse["data"]!["id"]!.GetValue<string>(), @object = "public.rows" },
            identity = new { source = new { model_id = modelId, field = "id" }, target = "id", function = "Equality" },
            fields = new[] { new { source = new { model_id = modelId, field = "name" }, target = "name" } },
        });
        return sync["data"]!["id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> WaitForLastExecutionAsync(ApiClient api, string syncId, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var status = (await api.GetAsync($"api/syncs/{syncId}/status"))["data"]!;
            if (status["current_execution"] is null && status["last_execution"] is { } last)
            {
                return last;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"the execution of sync {syncId} did not finish in {timeout}: {status.ToJsonString()}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task WriteSourceAsync(string path, int rows)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT)";
            await create.ExecuteNonQueryAsync();
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rows VALUES ($id, $name)";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        for (var i = 1; i <= rows; i++)
        {
            id.Value = i;
            name.Value = $"row {i}";
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
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
