using Outflow.Store.PostgreSql;
using Outflow.Store.Sqlite;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class StoreMaintenanceTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task MigrateAsync_run_twice_applies_each_version_once()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        await store.Maintenance.MigrateAsync(CancellationToken.None);
        await store.Maintenance.MigrateAsync(CancellationToken.None);

        var migrations = store.IsPostgreSql ? PostgreSqlMigrations.All : SqliteMigrations.All;
        Assert.Equal(migrations.Count, await store.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(migrations[^1].Version, await store.ScalarAsync("SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(1, await store.ScalarAsync(store.CountTablesSql("sync_state")));
    }

    [Theory]
    [InlineData("qrtz_job_details")]
    [InlineData("qrtz_triggers")]
    [InlineData("qrtz_simple_triggers")]
    [InlineData("qrtz_cron_triggers")]
    [InlineData("qrtz_simprop_triggers")]
    [InlineData("qrtz_blob_triggers")]
    [InlineData("qrtz_calendars")]
    [InlineData("qrtz_paused_trigger_grps")]
    [InlineData("qrtz_paused_job_grps")]
    [InlineData("qrtz_fired_triggers")]
    [InlineData("qrtz_scheduler_state")]
    [InlineData("qrtz_locks")]
    [InlineData("qrtz_execution_history")]
    [InlineData("qrtz_misfire_history")]
    [InlineData("qrtz_job_status")]
    public async Task MigrateAsync_creates_quartz_table(string table)
    {
        await using var store = await TestStore.CreateAsync(postgres);

        Assert.Equal(1, await store.ScalarAsync(store.CountTablesSql(table)));
    }

    [Fact]
    public async Task Deleting_quartz_trigger_deletes_its_detail_row()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        await store.ExecuteAsync("""
            INSERT INTO qrtz_job_details (sched_name, job_name, job_group, job_class_name, is_durable, is_nonconcurrent,
                is_update_data, requests_recovery)
            VALUES ('outflow', 'job', 'syncs', 'SyncExecutionJob', TRUE, TRUE, FALSE, TRUE)
            """);
        await store.ExecuteAsync("""
            INSERT INTO qrtz_triggers (sched_name, trigger_name, trigger_group, job_name, job_group, trigger_state,
                trigger_type, start_time)
            VALUES ('outflow', 'trigger', 'executions', 'job', 'syncs', 'WAITING', 'SIMPLE', 0)
            """);
        await store.ExecuteAsync("""
            INSERT INTO qrtz_simple_triggers (sched_name, trigger_name, trigger_group, repeat_count, repeat_interval,
                times_triggered)
            VALUES ('outflow', 'trigger', 'executions', 0, 0, 0)
            """);

        await store.ExecuteAsync("DELETE FROM qrtz_triggers WHERE trigger_name = 'trigger'");

        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM qrtz_simple_triggers"));
    }

    [Fact]
    public async Task MigrateAsync_on_newer_schema_throws()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        await store.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.Maintenance.MigrateAsync(CancellationToken.None));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingAsync_on_migrated_store_returns_true()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        Assert.True(await store.Maintenance.PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Describe_names_database_without_password()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        var description = store.Maintenance.Describe();

        if (store.PostgresDatabase is { } database)
        {
            Assert.Contains(database.Name, description, StringComparison.Ordinal);
            Assert.DoesNotContain(postgres!.Server.Password, description, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(store.DatabasePath, description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Foreign_keys_are_enforced_on_store_connections()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();

        // A model on a connection that does not exist must be rejected by the foreign key.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(
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
        Assert.Contains("WHERE " + ExecutionSql.Unfinished, Outflow.Store.Sqlite.SqliteMigrations.All[0].Sql, StringComparison.Ordinal);
        Assert.Contains("WHERE " + ExecutionSql.Unfinished, Outflow.Store.PostgreSql.PostgreSqlMigrations.All[0].Sql, StringComparison.Ordinal);
    }
}
