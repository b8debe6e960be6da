using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// The distributed mode as child processes on one PostgreSQL store of a <see cref="PostgresFixture"/>: the store
/// migrated with <c>outflow migrate</c>, one <c>outflow api</c> and any number of <c>outflow worker</c> processes,
/// each with its own data directory, sharing the master key and the files root.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    public const string ApiKey = "cluster-test-key-0123456789";

    private readonly PostgresFixture _postgres;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "outflow-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly string _masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<(string Name, OutflowProcess Process)> _processes = [];
    private readonly IReadOnlyDictionary<string, string> _settings;
    private int _workersStarted;

    private ClusterHarness(PostgresFixture postgres, PostgresDatabase store, IReadOnlyDictionary<string, string>? settings)
    {
        _postgres = postgres;
        _settings = settings ?? new Dictionary<string, string>();
        Store = store;
        Directory.CreateDirectory(FilesRoot);
    }

    public PostgresDatabase Store { get; }

    /// <summary>The directory that SQLite connections' relative paths resolve against, in every process.</summary>
    public string FilesRoot => Path.Combine(_root, "files");

    public OutflowProcess Api { get; private set; } = null!;

    public ApiClient Client { get; private set; } = null!;

    /// <summary>The workers started so far that were not killed, oldest first.</summary>
    public IReadOnlyList<OutflowProcess> Workers { get; private set; } = [];

    /// <summary>
    /// Migrates a new store database, then starts the api process and <paramref name="workers"/> workers, each with the
    /// environment variables in <paramref name="settings"/> added to the harness's own.
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(
        PostgresFixture postgres, int workers, IReadOnlyDictionary<string, string>? settings = null)
    {
        var harness = new ClusterHarness(postgres, await postgres.CreateDatabaseAsync(), settings);
        try
        {
            var (exitCode, output, error) = await OutflowProcess.RunAsync(harness.EnvironmentOf("migrate"), "migrate");
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"outflow migrate exited with {exitCode}:\n{output}\n{error}");
            }

            var (api, address) = await harness.StartProcessAsync("api", "api");
            harness.Api = api;
            harness.Client = new ApiClient(address, ApiKey);
            for (var i = 0; i < workers; i++)
            {
                await harness.StartWorkerAsync();
            }

            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more worker and returns it with the address of its health checks.</summary>
    public async Task<(OutflowProcess Process, Uri Address)> StartWorkerAsync()
    {
        var number = Interlocked.Increment(ref _workersStarted);
        var started = await StartProcessAsync("worker", $"worker-{number}");
        Workers = [.. Workers, started.Process];
        return started;
    }

    /// <summary>Kills a worker with SIGKILL and drops it from <see cref="Workers"/>, keeping its output for <see cref="DescribeProblems"/>.</summary>
    public async Task KillWorkerAsync(OutflowProcess worker)
    {
        await worker.KillAsync();
        Workers = [.. Workers.Where(other => other != worker)];
    }

    /// <summary>The data directory of the process named <paramref name="name"/>: <c>api</c>, or <c>worker-{n}</c> in start order from 1.</summary>
    public string DataDirectoryOf(string name) => Path.Combine(_root, name);

    public Task<PostgresDatabase> CreateDatabaseAsync() => _postgres.CreateDatabaseAsync();

    /// <summary>Creates a connection through the API and returns its id.</summary>
    public async Task<string> CreateConnectionAsync(string name, string type, object configuration)
    {
        var connection = await Client.PostAsync("api/connections", new { name, type, configuration });
        return connection["data"]!["id"]!.GetValue<string>();
    }

    /// <summary>Creates a model of a whole table and returns its id.</summary>
    public async Task<string> CreateTableModelAsync(string name, string connectionId, string table)
    {
        var model = await Client.PostAsync("api/models", new { name, connection_id = connectionId, configuration = new { table } });
        return model["data"]!["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Creates an active <c>replace</c> sync of a model's <c>id</c> and <c>name</c> into a target table with the same
    /// columns, and returns its id.
    /// </summary>
    public async Task<string> CreateRowsSyncAsync(string name, string modelId, string targetConnectionId, string targetTable, object schedule)
    {
        var sync = await Client.PostAsync("api/syncs", new
        {
            name,
            mode = "replace",
            active = true,
            schedule,
            target = new { connection_id = targetConnectionId, @object = targetTable },
            identity = new { source = new { model_id = modelId, field = "id" }, target = "id", function = "Equality" },
            fields = new[] { new { source = new { model_id = modelId, field = "name" }, target = "name" } },
        });
        return sync["data"]!["id"]!.GetValue<string>();
    }

    /// <summary>Waits until the sync has no unfinished execution and returns its last execution.</summary>
    public async Task<JsonNode> WaitForLastExecutionAsync(string syncId, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var status = (await Client.GetAsync($"api/syncs/{syncId}/status"))["data"]!;
            if (status["current_execution"] is null && status["last_execution"] is { } last)
            {
                return last;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException(
                    $"the execution of sync {syncId} did not finish in {timeout}: {status.ToJsonString()}\n{DescribeProblems()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Checks the condition every 20 ms until it holds, and fails with a cancellation once the timeout passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        using var guard = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            await Task.Delay(20, guard.Token);
        }
    }

    /// <summary>Writes a SQLite database with a table <c>rows (id, name)</c> holding <c>row {id}</c> for ids 1 to <paramref name="rows"/>.</summary>
    public static async Task WriteRowsSourceAsync(string path, int rows)
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

    /// <summary>Lists the warning, error and critical log lines of every process started, killed ones included.</summary>
    public string DescribeProblems()
    {
        List<(string Name, OutflowProcess Process)> processes;
        lock (_processes)
        {
            processes = [.. _processes];
        }

        var lines = processes.SelectMany(entry => entry.Process.Output
            .Where(line => line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal)
                || line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)
                || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal)
                || line.Contains("Unhandled exception", StringComparison.Ordinal))
            .Select(line => $"{entry.Name}: {line}"))
            .ToList();
        return lines.Count == 0 ? "(no process logged a warning or error)" : string.Join('\n', lines);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        foreach (var (_, process) in _processes)
        {
            await process.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<(OutflowProcess Process, Uri Address)> StartProcessAsync(string command, string name)
    {
        var started = await OutflowProcess.StartServerAsync(command, EnvironmentOf(name), "--urls", "http://127.0.0.1:0");
        lock (_processes)
        {
            _processes.Add((name, started.Process));
        }

        return started;
    }

    private Dictionary<string, string> EnvironmentOf(string name)
    {
        var environment = new Dictionary<string, string>(_settings)
        {
            ["OUTFLOW_DATA_DIR"] = DataDirectoryOf(name),
            ["OUTFLOW_FILES_ROOT"] = FilesRoot,
            ["OUTFLOW_MASTER_KEY"] = _masterKey,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
            ["OUTFLOW_STORE"] = Store.ConnectionString,
        };
        return environment;
    }
}
