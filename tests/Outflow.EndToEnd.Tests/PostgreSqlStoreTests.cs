using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs <c>outflow migrate</c> and <c>outflow serve</c> as child processes with <c>--store</c> set to a
/// database on the fixture's PostgreSQL server, and syncs a SQLite table through the API.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgreSqlStoreTests(PostgresFixture postgres) : IDisposable
{
    private const string ApiKey = "postgresql-store-key-0123456789";
    private const int Rows = 500;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-pgstore-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Serve_on_postgresql_store_runs_sync_to_completion()
    {
        var store = await postgres.CreateDatabaseAsync();
        var target = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(target, "CREATE TABLE public.rows (id bigint PRIMARY KEY, name text)");
        var filesRoot = Path.Combine(_dataDirectory, "files");
        Directory.CreateDirectory(filesRoot);
        await WriteSourceAsync(Path.Combine(filesRoot, "rows.sqlite"));
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
        };
        var server = postgres.Server;
        var storeUri = $"postgresql://{server.Username}:{server.Password}@{server.Host}:{server.Port}/{store.Name}?sslmode=disable";

        var migrate = await OutflowProcess.RunAsync(environment, "migrate", "--store", storeUri);

        Assert.True(migrate.ExitCode == 0, migrate.Error);
        Assert.Contains($"postgresql://{server.Username}@{server.Host}:{server.Port}/{store.Name}", migrate.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, migrate.Output + migrate.Error, StringComparison.Ordinal);

        var (process, address) = await OutflowProcess.StartServerAsync(
            environment, "--urls", "http://127.0.0.1:0", "--store", store.ConnectionString);
        await using (process)
        {
            using var api = new ApiClient(address, ApiKey);
            var syncId = await RowsSync.CreateAsync(api, target, "name");

            var execution = await api.RunSyncAsync(syncId);

            Assert.Equal("completed", execution["status"]!.GetValue<string>());
            Assert.Equal(Rows, execution["counts"]!["insert"]!.GetValue<long>());
            Assert.Equal(0, execution["counts"]!["error"]!.GetValue<long>());
            Assert.Equal(Rows, await ScalarAsync(target, "SELECT COUNT(DISTINCT id) FROM public.rows"));
            Assert.Equal(1, await ScalarAsync(store, $"SELECT COUNT(*) FROM executions WHERE sync_id = '{syncId}' AND status = 'completed'"));
            Assert.Equal(Rows, await ScalarAsync(store, $"SELECT COUNT(*) FROM sync_state WHERE sync_id = '{syncId}'"));
            Assert.DoesNotContain(process.Output, line => line.Contains(server.Password, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("mysql://root:hunter2-secret@127.0.0.1/outflow")]
    [InlineData("Host=127.0.0.1;Password=hunter2-secret;Bogus=1")]
    [InlineData("Host=127.0.0.1;Password=hunter2-secret")]
    public async Task Migrate_invalid_store_fails_without_echoing_password(string value)
    {
        var environment = new Dictionary<string, string> { ["OUTFLOW_DATA_DIR"] = _dataDirectory };

        var (exitCode, output, error) = await OutflowProcess.RunAsync(environment, "migrate", "--store", value);

        Assert.Equal(1, exitCode);
        Assert.Contains("postgresql://user:password@host:port/database", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static async Task WriteSourceAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT);
            WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n WHERE id < {Rows})
            INSERT INTO rows SELECT id, 'row ' || id FROM n;
            """;
        await command.ExecuteNonQueryAsync();
    }


    private static async Task<long> ScalarAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
