namespace Outflow.Store.Tests;

public sealed class StoreMaintenanceTests
{
    [Fact]
    public async Task MigrateAsync_run_twice_applies_each_version_once()
    {
        await using var store = await TestStore.CreateAsync();

        await store.Maintenance.MigrateAsync(CancellationToken.None);
        await store.Maintenance.MigrateAsync(CancellationToken.None);

        Assert.Equal(2, await store.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(2, await store.ScalarAsync("SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sync_state'"));
    }

    [Fact]
    public async Task MigrateAsync_on_newer_schema_throws()
    {
        await using var store = await TestStore.CreateAsync();
        await store.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.Maintenance.MigrateAsync(CancellationToken.None));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_sets_wal_journal_mode()
    {
        await using var store = await TestStore.CreateAsync();

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task PingAsync_on_migrated_store_returns_true()
    {
        await using var store = await TestStore.CreateAsync();

        Assert.True(await store.Maintenance.PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Describe_names_database_path()
    {
        await using var store = await TestStore.CreateAsync();

        Assert.Contains(store.DatabasePath, store.Maintenance.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Foreign_keys_are_enforced_on_store_connections()
    {
        await using var store = await TestStore.CreateAsync();
        var organization = await store.CreateOrganizationAsync();

        // A model on a connection that does not exist must be rejected by the foreign key.
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(
            () => store.AddModelAsync(organization.Id, Guid.NewGuid()));
    }

    [Fact]
    public void Execution_status_predicates_match_terminal_statuses()
    {
        var terminal = Core.Executions.ExecutionStatuses.Terminal
            .Select(status => "'" + Core.Executions.ExecutionStatuses.ToWire(status) + "'");
        var list = "(" + string.Join(", ", terminal) + ")";

        Assert.Equal(ExecutionSql.Unfinished, "status NOT IN " + list);
        Assert.Equal(ExecutionSql.Finished, "status IN " + list);
        Assert.Contains("WHERE " + ExecutionSql.Unfinished, Sqlite.SqliteMigrations.All[0].Sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sync_id = 'x' AND {0} ORDER BY sort_key, id LIMIT 1", "ix_executions_unfinished_by_sync")]
    [InlineData("sync_id = 'x' AND {0} ORDER BY sort_key DESC, id DESC LIMIT 1", "ix_executions_unfinished_by_sync")]
    [InlineData("{0} ORDER BY created_at, id", "ix_executions_unfinished_by_age")]
    public async Task Unfinished_execution_queries_use_partial_index(string condition, string index)
    {
        await using var store = await TestStore.CreateAsync();
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
