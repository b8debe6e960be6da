using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Kills <c>outflow serve</c> with SIGKILL in the middle of an execution, starts it again on the same data
/// directory, and checks that the execution resumes and the target ends equal to the model with no row lost.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CrashRecoveryTests(PostgresFixture postgres) : IDisposable
{
    private const string ApiKey = "crash-recovery-key-0123456789";
    private const int Rows = 100_000;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Killed_server_resumes_execution_after_restart()
    {
        var filesRoot = Path.Combine(_dataDirectory, "files");
        Directory.CreateDirectory(filesRoot);
        await WriteSourceAsync(Path.Combine(filesRoot, "rows.sqlite"));
        var database = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(database, "CREATE TABLE public.rows (id bigint PRIMARY KEY, name text, amount numeric(12, 2))");
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,

            // The restarted process takes the killed one's execution over once its lease has expired.
            ["OUTFLOW_EXECUTION_LEASE_SECONDS"] = "3",
        };

        string syncId;
        var (first, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (first)
        {
            using var api = new ApiClient(address, ApiKey);
            syncId = await RowsSync.CreateAsync(api, database, "name", "amount");
            await api.PostAsync($"api/syncs/{syncId}/executions", new { });

            // Kill as soon as the target shows the first confirmed batch, well before the last one.
            while (await CountAsync(database) == 0)
            {
                await Task.Delay(20);
            }
        }

        Assert.InRange(await CountAsync(database), 1, Rows - 1);

        var (second, restartedAddress) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (second)
        {
            using var api = new ApiClient(restartedAddress, ApiKey);
            var execution = await api.WaitForLastExecutionAsync(syncId);
            Assert.Equal("completed", execution["status"]!.GetValue<string>());
            Assert.Equal(0, execution["counts"]!["error"]!.GetValue<long>());

            var (count, distinct, total) = await SummarizeAsync(database);
            Assert.Equal(Rows, count);
            Assert.Equal(Rows, distinct);
            Assert.Equal(ExpectedTotal(), total);

            var again = await api.RunSyncAsync(syncId);
            Assert.Equal(0, again["counts"]!["total"]!.GetValue<long>());
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static decimal Amount(int id) => id % 1000 / 100m;

    private static decimal ExpectedTotal() => Enumerable.Range(1, Rows).Sum(Amount);

    private static async Task WriteSourceAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT, amount TEXT)";
            await create.ExecuteNonQueryAsync();
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO rows VALUES ($id, $name, $amount)";
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var amount = insert.Parameters.Add("$amount", SqliteType.Text);
        for (var i = 1; i <= Rows; i++)
        {
            id.Value = i;
            name.Value = $"row {i} ✓";
            amount.Value = Amount(i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static async Task<long> CountAsync(PostgresDatabase database) => (await SummarizeAsync(database)).Count;

    private static async Task<(long Count, long Distinct, decimal Total)> SummarizeAsync(PostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT id), coalesce(sum(amount), 0) FROM public.rows", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2));
    }

    private static async Task ExecuteAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
