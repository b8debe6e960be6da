using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Core.Diagnostics;
using Outflow.Testing;
using Xunit.Abstractions;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Kills <c>outflow serve</c> with SIGKILL during a replace execution, into a PostgreSQL or a SQLite target, and starts
/// it again on the same data directory. Once the execution has resumed and completed, checks that the target equals the
/// model row by row, that the counts add up to the model's change, and that a following execution writes nothing.
/// A case is a target, a scenario (<c>first</c>: the first sync of every row; <c>change</c>: after a first sync, 1% of
/// the rows inserted, 2% updated and 1% deleted) and a kill point: a commit boundary that the server reaches through
/// <c>OUTFLOW_CRASH_POINT</c> (see <see cref="CrashPoints"/>), or <c>random:N</c>, a seeded random delay after the
/// execution starts. OUTFLOW_CRASH_MATRIX=full (scripts/crash.sh) runs every case on 100,000 rows. The short matrix,
/// the default, runs the change scenario on 20,000 rows at two of its four boundaries and one random delay per target.
/// OUTFLOW_CRASH_ROWS, OUTFLOW_CRASH_SCENARIOS, OUTFLOW_CRASH_RANDOM_KILLS and OUTFLOW_CRASH_SEED override each part.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
[Trait("Category", "Crash")]
public sealed class CrashMatrixTests(PostgresFixture postgres, CrashMatrixTests.SourceFile source, ITestOutputHelper output)
    : IClassFixture<CrashMatrixTests.SourceFile>, IDisposable
{
    private const string ApiKey = "crash-matrix-key-0123456789";

    /// <summary>The preferred batch size of both the PostgreSQL and the SQLite target connector.</summary>
    private const int BatchSize = 10_000;

    private const string RandomKill = "random";

    private static readonly string[] Targets = ["postgresql", "sqlite"];

    private static readonly bool IsFull = Environment.GetEnvironmentVariable("OUTFLOW_CRASH_MATRIX") == "full";

    /// <summary>Model rows of the first sync, a multiple of 100 so that the change scenario's 1% is whole.</summary>
    private static readonly int Rows = Setting("OUTFLOW_CRASH_ROWS", IsFull ? 100_000 : 20_000) / 100 * 100;

    private static readonly int RandomKills = Setting("OUTFLOW_CRASH_RANDOM_KILLS", IsFull ? 10 : 1);

    private static readonly string[] Scenarios =
        (Environment.GetEnvironmentVariable("OUTFLOW_CRASH_SCENARIOS") ?? (IsFull ? "first,change" : "change"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The seed of the random kill delays. Each case prints it, and OUTFLOW_CRASH_SEED replays it.</summary>
    private static readonly int Seed = Setting("OUTFLOW_CRASH_SEED", Random.Shared.Next(1, int.MaxValue));

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-crash-matrix-" + Guid.NewGuid().ToString("N"));

    /// <summary>The metadata store's connection string, or null for the SQLite store in the data directory.</summary>
    private string? _store;

    private string FilesRoot => Path.Combine(_dataDirectory, "files");

    private string SourcePath => Path.Combine(FilesRoot, "rows.sqlite");

    /// <summary>
    /// Returns the cases as target, scenario, kill point and metadata store. Every case uses the SQLite store, except that
    /// the full matrix also crashes inside a checkpoint on a PostgreSQL store, whose server rolls the open transaction
    /// back when the connection drops.
    /// </summary>
    public static TheoryData<string, string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string, string>();
        foreach (var scenario in Scenarios)
        {
            foreach (var target in Targets)
            {
                foreach (var boundary in Boundaries(scenario))
                {
                    cases.Add(target, scenario, boundary, "sqlite");
                }

                for (var kill = 1; kill <= RandomKills; kill++)
                {
                    cases.Add(target, scenario, $"{RandomKill}:{kill}", "sqlite");
                }
            }
        }

        if (IsFull && Scenarios.Contains("change"))
        {
            cases.Add("sqlite", "change", $"{CrashPoints.CheckpointBeforeCommit}:3", "postgresql");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Killed_execution_resumes_exactly(string target, string scenario, string kill, string store)
    {
        if (store == "postgresql")
        {
            _store = (await postgres.CreateDatabaseAsync()).ConnectionString;
        }

        output.WriteLine($"rows {Rows}, seed {Seed} (OUTFLOW_CRASH_SEED={Seed} replays the random delays)");
        Directory.CreateDirectory(FilesRoot);
        File.Copy(source.Path, SourcePath);
        var table = target == "postgresql"
            ? (ITargetTable)await PostgresTable.CreateAsync(await postgres.CreateDatabaseAsync())
            : SqliteTable.Create(FilesRoot, "target.sqlite");
        var expected = scenario switch
        {
            "first" => new Change(Rows, 0, 0),
            "change" => new Change(Rows / 100, Rows / 50, Rows / 100),
            _ => throw new ArgumentException($"unknown scenario \"{scenario}\": use first or change", nameof(scenario)),
        };

        var isRandom = kill.StartsWith(RandomKill + ":", StringComparison.Ordinal);
        string syncId;
        string executionId;
        await using (var crashing = await StartAsync(isRandom ? null : CrashPointSetting(scenario, kill)))
        {
            syncId = await CreateSyncAsync(crashing.Api, table);
            if (scenario == "change")
            {
                var first = await crashing.Api.RunSyncAsync(syncId);
                Assert.Equal("completed", first["status"]!.GetValue<string>());
                Assert.Equal(Rows, first["counts"]!["insert"]!.GetValue<long>());
                await ChangeSourceAsync(SourcePath, Rows);
            }

            var started = await crashing.Api.PostAsync($"api/syncs/{syncId}/executions", new { });
            executionId = started["data"]!["id"]!.GetValue<string>();
            if (isRandom)
            {
                await KillAfterRandomDelayAsync(crashing.Process, target, scenario, kill, executionId);
                output.WriteLine($"the target had {await table.CountAsync()} rows at the kill");
            }
            else
            {
                // The exit code of a process killed by SIGKILL is 128 + 9.
                var exitCode = await crashing.Process.WaitForExitAsync(TimeSpan.FromMinutes(3));
                Assert.Equal(137, exitCode);
                Assert.Contains(await table.CountAsync(), TargetRowsAtCrash(scenario, kill));
            }
        }

        await using var resumed = await StartAsync(crashPoint: null);
        var execution = await resumed.Api.WaitForLastExecutionAsync(syncId);
        output.WriteLine($"resumed execution: {execution.ToJsonString()}");
        Assert.Equal(executionId, execution["id"]!.GetValue<string>());
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        CheckCounts(execution["counts"]!, expected);
        await CheckLogFilesAsync(resumed.Api, syncId, execution);

        var model = await ReadSourceAsync(SourcePath);
        var written = await table.ReadAsync();
        var comparison = RowComparison.Compare(model, written);
        Assert.Empty(comparison.Lost);
        Assert.Empty(comparison.Duplicated);
        Assert.Empty(comparison.Unexpected);
        Assert.Empty(comparison.Different);
        Assert.Equal(model.Count, written.Count);

        var again = await resumed.Api.RunSyncAsync(syncId);
        Assert.Equal("completed", again["status"]!.GetValue<string>());
        Assert.Equal(0, again["counts"]!["total"]!.GetValue<long>());
        Assert.Equal(0, again["counts"]!["error"]!.GetValue<long>());
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// The commit boundaries to crash at, as <c>OUTFLOW_CRASH_POINT</c> values counted within the execution that is
    /// killed. Checkpoint occurrences are one higher than the write batch they belong to, because the end of the model
    /// read checkpoints first.
    /// </summary>
    private static IEnumerable<string> Boundaries(string scenario)
    {
        if (scenario == "first")
        {
            // A batch in the middle, so that records are on both sides of the crash.
            var batch = (Batches(Rows) + 1) / 2;
            return [$"{CrashPoints.AfterTargetWrite}:{batch}", $"{CrashPoints.CheckpointBeforeCommit}:{batch + 1}"];
        }

        // Batch 1 writes the inserts and updates, batch 2 the deletes. The short matrix crashes once in each batch.
        return IsFull
            ?
            [
                $"{CrashPoints.AfterTargetWrite}:1",
                $"{CrashPoints.AfterTargetWrite}:2",
                $"{CrashPoints.CheckpointBeforeCommit}:2",
                $"{CrashPoints.CheckpointBeforeCommit}:3",
            ]
            : [$"{CrashPoints.AfterTargetWrite}:2", $"{CrashPoints.CheckpointBeforeCommit}:2"];
    }

    /// <summary>
    /// Returns the <c>OUTFLOW_CRASH_POINT</c> value for a boundary. The process counts occurrences from its start, and in
    /// the change scenario the first sync runs in the same process first, so its writes and checkpoints come on top.
    /// </summary>
    private static string CrashPointSetting(string scenario, string boundary)
    {
        var (point, occurrence) = ParseKillPoint(boundary);
        if (scenario == "change")
        {
            occurrence += point == CrashPoints.AfterTargetWrite ? Batches(Rows) : Batches(Rows) + 1;
        }

        return $"{point}:{occurrence}";
    }

    private static (string Point, int Occurrence) ParseKillPoint(string boundary)
    {
        var parts = boundary.Split(':');
        return (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static int Batches(int records) => (records + BatchSize - 1) / BatchSize;

    /// <summary>
    /// Returns the row counts the target may contain after the process died at a commit boundary. A batch's checkpoint
    /// runs while the next batch is written, so a kill inside it may come before or after that write commits.
    /// </summary>
    private static long[] TargetRowsAtCrash(string scenario, string kill)
    {
        var (point, occurrence) = ParseKillPoint(kill);
        int[] batchesCommitted = point == CrashPoints.AfterTargetWrite ? [occurrence] : [occurrence - 1, occurrence];
        return batchesCommitted
            .Select(batches => scenario == "first"
                ? Math.Min((long)batches * BatchSize, Rows)
                : Rows + (Rows / 100) - (batches >= 2 ? Rows / 100 : 0))
            .ToArray();
    }

    /// <summary>
    /// Checks the counts of the resumed execution against the model's change. A batch that the target committed just
    /// before the crash, and whose checkpoint was lost, is written again when the execution resumes, and still counts once.
    /// </summary>
    private static void CheckCounts(JsonNode counts, Change expected)
    {
        var inserts = counts["insert"]!.GetValue<long>();
        var updates = counts["update"]!.GetValue<long>();
        var deletes = counts["delete"]!.GetValue<long>();
        Assert.Equal(0, counts["error"]!.GetValue<long>());
        Assert.Equal(inserts + updates + deletes, counts["total"]!.GetValue<long>());

        Assert.Equal(expected.Inserts, inserts);
        Assert.Equal(expected.Updates, updates);
        Assert.Equal(expected.Deletes, deletes);
    }

    /// <summary>
    /// Checks that each change log lists as many records as the execution counts: the lines that the killed process
    /// wrote for writes it never checkpointed must not stay beside the lines of the resumed execution's writes.
    /// </summary>
    private static async Task CheckLogFilesAsync(ApiClient api, string syncId, JsonNode execution)
    {
        var counts = execution["counts"]!;
        var index = await api.GetAsync($"api/syncs/{syncId}/executions/{execution["id"]!.GetValue<string>()}/logs");
        var files = index["data"]!["files"]!.AsArray();
        long Lines(string type) => files.Where(file => file!["type"]!.GetValue<string>() == type).Sum(file => file!["records"]!.GetValue<long>());

        Assert.Equal(counts["insert"]!.GetValue<long>(), Lines("inserts"));
        Assert.Equal(counts["update"]!.GetValue<long>(), Lines("updates"));
        Assert.Equal(counts["delete"]!.GetValue<long>(), Lines("deletes"));
        Assert.Equal(counts["total"]!.GetValue<long>(), Lines("records"));
    }

    private async Task KillAfterRandomDelayAsync(OutflowProcess process, string target, string scenario, string kill, string executionId)
    {
        // The window is an estimate of the execution's length on a busy 2-core machine: a first sync writes about
        // 20,000 rows a second, and a change execution spends most of its time reading and comparing the model.
        var window = scenario == "first" ? 500 + (Rows / 20) : 300 + (Rows / 50);
        var caseKey = (Array.IndexOf(Targets, target) * 1_000) + (Array.IndexOf(Scenarios, scenario) * 100_000)
            + ParseKillPoint(kill).Occurrence;
        var delay = new Random(unchecked((Seed * 31) + caseKey)).Next(window);
        await Task.Delay(delay);
        await process.KillAsync();
        var finished = process.Output.Any(line =>
            line.Contains($"Execution {executionId} of sync", StringComparison.Ordinal) && line.Contains(" finished ", StringComparison.Ordinal));
        output.WriteLine($"killed {delay} ms after the start of execution {executionId} (window {window} ms); it had {(finished ? "finished" : "not finished")}");
    }

    private async Task<Server> StartAsync(string? crashPoint)
    {
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,

            // The restarted process takes the killed one's execution over once its lease has expired.
            ["OUTFLOW_EXECUTION_LEASE_SECONDS"] = "3",
        };
        if (crashPoint is not null)
        {
            // The boundaries are counted in batches, so each batch gets a checkpoint of its own. Random kills keep the
            // default, which checkpoints several batches together.
            environment["OUTFLOW_CRASH_POINT"] = crashPoint;
            environment["OUTFLOW_CHECKPOINT_SECONDS"] = "0";
        }

        if (_store is not null)
        {
            environment["OUTFLOW_STORE"] = _store;
        }

        var (process, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        return new Server(process, new ApiClient(address, ApiKey));
    }

    private static Task<string> CreateSyncAsync(ApiClient api, ITargetTable table) =>
        RowsSync.CreateAsync(api, "rows.sqlite", table.ConnectionType, table.Configuration, table.ObjectName, "name", "amount");

    /// <summary>Deletes 1% of the rows, updates 2% and inserts 1% new ones.</summary>
    private static async Task ChangeSourceAsync(string path, int rows)
    {
        await using var connection = await OpenSqliteAsync(path);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var change = connection.CreateCommand())
        {
            change.CommandText = """
                DELETE FROM rows WHERE id % 100 = 0;
                UPDATE rows SET name = name || ' changed', amount = amount + 7 WHERE id % 50 = 1;
                """;
            await change.ExecuteNonQueryAsync();
        }

        await InsertRowsAsync(connection, rows + 1, rows + (rows / 100));
        await transaction.CommitAsync();
    }

    private static async Task InsertRowsAsync(SqliteConnection connection, int first, int last)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rows VALUES ($id, $name, $amount)";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var amount = insert.Parameters.Add("$amount", SqliteType.Integer);
        for (var i = first; i <= last; i++)
        {
            id.Value = i;
            name.Value = $"row {i} ✓";
            amount.Value = (long)i * 37 % 100_003;
            await insert.ExecuteNonQueryAsync();
        }
    }

    private static async Task<List<Row>> ReadSourceAsync(string path)
    {
        await using var connection = await OpenSqliteAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, amount FROM rows ORDER BY id";
        return await ReadRowsAsync(command);
    }

    private static async Task<List<Row>> ReadRowsAsync(System.Data.Common.DbCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    private static async Task<SqliteConnection> OpenSqliteAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private readonly record struct Change(long Inserts, long Updates, long Deletes);

    private sealed record Row(long Id, string Name, long Amount);

    /// <summary>The differences between the model's rows and the target's, each list capped at 20 ids for the failure message.</summary>
    private sealed record RowComparison(List<long> Lost, List<long> Duplicated, List<long> Unexpected, List<long> Different)
    {
        private const int MaxListed = 20;

        public static RowComparison Compare(List<Row> model, List<Row> target)
        {
            var comparison = new RowComparison([], [], [], []);
            var targetById = new Dictionary<long, Row>(target.Count);
            foreach (var row in target)
            {
                if (!targetById.TryAdd(row.Id, row))
                {
                    Add(comparison.Duplicated, row.Id);
                }
            }

            var modelIds = new HashSet<long>(model.Count);
            foreach (var row in model)
            {
                modelIds.Add(row.Id);
                if (!targetById.TryGetValue(row.Id, out var written))
                {
                    Add(comparison.Lost, row.Id);
                }
                else if (written != row)
                {
                    Add(comparison.Different, row.Id);
                }
            }

            foreach (var row in target.Where(row => !modelIds.Contains(row.Id)))
            {
                Add(comparison.Unexpected, row.Id);
            }

            return comparison;
        }

        private static void Add(List<long> ids, long id)
        {
            if (ids.Count < MaxListed)
            {
                ids.Add(id);
            }
        }
    }

    private sealed class Server(OutflowProcess process, ApiClient api) : IAsyncDisposable
    {
        public OutflowProcess Process => process;

        public ApiClient Api => api;

        public async ValueTask DisposeAsync()
        {
            api.Dispose();
            await process.DisposeAsync();
        }
    }

    private interface ITargetTable
    {
        string ConnectionType { get; }

        object Configuration { get; }

        string ObjectName { get; }

        Task<long> CountAsync();

        Task<List<Row>> ReadAsync();
    }

    private sealed class PostgresTable(PostgresDatabase database) : ITargetTable
    {
        public string ConnectionType => "postgresql";

        public object Configuration => database.Configuration;

        public string ObjectName => "public.rows";

        public static async Task<PostgresTable> CreateAsync(PostgresDatabase database)
        {
            await using var connection = await OpenAsync(database);
            await using var create = new NpgsqlCommand(
                "CREATE TABLE public.rows (id bigint PRIMARY KEY, name text NOT NULL, amount bigint NOT NULL)", connection);
            await create.ExecuteNonQueryAsync();
            return new PostgresTable(database);
        }

        public async Task<long> CountAsync()
        {
            await using var connection = await OpenAsync(database);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM public.rows", connection);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        public async Task<List<Row>> ReadAsync()
        {
            await using var connection = await OpenAsync(database);
            await using var select = new NpgsqlCommand("SELECT id, name, amount FROM public.rows ORDER BY id", connection);
            return await ReadRowsAsync(select);
        }

        private static async Task<NpgsqlConnection> OpenAsync(PostgresDatabase database)
        {
            var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            return connection;
        }
    }

    private sealed class SqliteTable(string path, string relativePath) : ITargetTable
    {
        public string ConnectionType => "sqlite";

        public object Configuration => new { path = relativePath };

        public string ObjectName => "rows";

        public static SqliteTable Create(string filesRoot, string relativePath)
        {
            var path = Path.Combine(filesRoot, relativePath);
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount INTEGER NOT NULL)";
            create.ExecuteNonQuery();
            return new SqliteTable(path, relativePath);
        }

        public async Task<long> CountAsync()
        {
            await using var connection = await OpenSqliteAsync(path);
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM rows";
            return (long)(await count.ExecuteScalarAsync())!;
        }

        public async Task<List<Row>> ReadAsync()
        {
            await using var connection = await OpenSqliteAsync(path);
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT id, name, amount FROM rows ORDER BY id";
            return await ReadRowsAsync(select);
        }
    }

    /// <summary>
    /// The model's source, a SQLite table <c>rows (id, name, amount)</c> with <see cref="Rows"/> rows, written once for
    /// the whole class and copied into each case's files root.
    /// </summary>
    public sealed class SourceFile : IAsyncLifetime
    {
        private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "outflow-crash-source-" + Guid.NewGuid().ToString("N"));

        public string Path => System.IO.Path.Combine(_directory, "rows.sqlite");

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_directory);
            await using var connection = await OpenSqliteAsync(Path);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using (var create = connection.CreateCommand())
            {
                create.CommandText = "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount INTEGER NOT NULL)";
                await create.ExecuteNonQueryAsync();
            }

            await InsertRowsAsync(connection, 1, Rows);
            await transaction.CommitAsync();
        }

        public Task DisposeAsync()
        {
            Directory.Delete(_directory, recursive: true);
            return Task.CompletedTask;
        }
    }
}
