namespace Outflow.Store.Tests.Sqlite;

public sealed class StoreMaintenanceSqliteTests() : StoreMaintenanceTests(null)
{
    [Fact]
    public async Task MigrateAsync_sets_wal_journal_mode()
    {
        await using var store = await TestStore.CreateAsync(null);

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("sync_id = 'x' AND {0} ORDER BY sort_key, id LIMIT 1", "ix_executions_unfinished_by_sync")]
    [InlineData("sync_id = 'x' AND {0} ORDER BY sort_key DESC, id DESC LIMIT 1", "ix_executions_unfinished_by_sync")]
    [InlineData("{0} ORDER BY created_at, id", "ix_executions_unfinished_by_age")]
    public async Task Unfinished_execution_queries_use_partial_index(string condition, string index)
    {
        await using var store = await TestStore.CreateAsync(null);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT id FROM executions WHERE "
            + string.Format(System.Globalization.CultureInfo.InvariantCulture, condition, ExecutionSql.Unfinished);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal));
    }
}
