using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Pauses the worker that runs an execution with SIGSTOP until the cluster takes it for dead and the other worker
/// takes the execution over after its lease expires, then resumes it with SIGCONT. An audit trigger on the target
/// table records the time of every insert and update, which shows that the resumed worker wrote nothing.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class LeaseFencingTests(PostgresFixture postgres)
{
    private const int Rows = 100_000;

    [Fact]
    public async Task Paused_worker_writes_nothing_after_resuming()
    {
        var settings = new Dictionary<string, string> { ["OUTFLOW_EXECUTION_LEASE_SECONDS"] = "6" };
        await using var cluster = await ClusterHarness.StartAsync(postgres, workers: 2, settings);
        await ClusterHarness.WriteRowsSourceAsync(Path.Combine(cluster.FilesRoot, "rows.sqlite"), Rows);
        var target = await CreateTargetAsync();
        var workers = cluster.Workers.ToArray();
        var api = cluster.Client;

        var sourceId = await cluster.CreateConnectionAsync("rows", "sqlite", new { path = "rows.sqlite" });
        var warehouseId = await cluster.CreateConnectionAsync("warehouse", "postgresql", target.Configuration);
        var modelId = await cluster.CreateTableModelAsync("rows", sourceId, "rows");
        var syncId = await cluster.CreateRowsSyncAsync("rows to warehouse", modelId, warehouseId, "public.rows", new { frequency = "manual" });
        var started = await api.PostAsync($"api/syncs/{syncId}/executions", new { });
        var executionId = started["data"]!["id"]!.GetValue<string>();

        // Pause the owner once a few batches are in, well before the last one.
        await ClusterHarness.WaitUntilAsync(async () => await ScalarAsync(target, "SELECT count(*) FROM public.rows") >= 2_000, TimeSpan.FromSeconds(60));
        var paused = workers.Single(worker => worker.LoggedStart(executionId));
        var survivor = workers.Single(worker => worker != paused);
        await paused.SignalAsync("STOP");
        try
        {
            Assert.InRange(await ScalarAsync(target, "SELECT count(*) FROM public.rows"), 1, Rows - 1);

            var finished = await cluster.WaitForLastExecutionAsync(syncId, TimeSpan.FromSeconds(90));
            Assert.Equal(executionId, finished["id"]!.GetValue<string>());
            Assert.Equal("completed", finished["status"]!.GetValue<string>());
            Assert.True(survivor.LoggedStart(executionId));
        }
        finally
        {
            await paused.SignalAsync("CONT");
        }

        // Every legitimate write ended before the resume, because the execution had completed by then.
        var resumedAt = await ScalarTimeAsync(target, "SELECT clock_timestamp()");
        var before = await ReadExecutionAsync(cluster.Store, executionId);

        // The resumed worker notices the lost lease at its next renewal or lease check, at the latest.
        await ClusterHarness.WaitUntilAsync(
            () => Task.FromResult(paused.Logged($"Execution {executionId} lost its lease")), TimeSpan.FromSeconds(30));
        var after = await ReadExecutionAsync(cluster.Store, executionId);

        Assert.Equal(0, await ScalarAsync(target, $"SELECT count(*) FROM public.rows_audit WHERE written_at > '{resumedAt:O}'"));
        Assert.Equal(Rows, await ScalarAsync(target, "SELECT count(*) FROM public.rows"));
        Assert.Equal(Rows, await ScalarAsync(target, "SELECT count(DISTINCT id) FROM public.rows"));
        Assert.Equal(0, await ScalarAsync(target, "SELECT count(*) FROM public.rows WHERE name <> 'row ' || id"));
        Assert.Equal("completed", after.Status);
        Assert.Equal(before, after);
        Assert.EndsWith($":{survivor.Id}", after.LeaseOwner, StringComparison.Ordinal);
        Assert.False(paused.Logged($"Execution {executionId} of sync {syncId} finished"));
    }

    /// <summary>
    /// Creates the target table with an audit trigger, and a deferred trigger that makes each transaction's commit take
    /// 0.3 s. The pause then most likely lands in a commit, which PostgreSQL finishes on its own, so the paused worker
    /// holds no row locks that the other worker would wait for. A pause that lands between a write and its commit leaves
    /// the target session idle in its transaction. The target connector sets the session's idle-transaction timeout
    /// to a third of the 6-second lease, so PostgreSQL ends that session after 2 s. The database itself sets no timeout.
    /// </summary>
    private async Task<PostgresDatabase> CreateTargetAsync()
    {
        var target = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(target, """
            CREATE TABLE public.rows (id bigint PRIMARY KEY, name text);
            CREATE TABLE public.rows_audit (id bigint NOT NULL, operation text NOT NULL, written_at timestamptz NOT NULL);
            CREATE FUNCTION public.audit_rows() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO public.rows_audit VALUES (NEW.id, TG_OP, clock_timestamp());
                RETURN NULL;
            END $$;
            CREATE TRIGGER rows_audit AFTER INSERT OR UPDATE ON public.rows FOR EACH ROW EXECUTE FUNCTION public.audit_rows();
            CREATE FUNCTION public.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('outflow_test.slept', true) IS DISTINCT FROM 'yes' THEN
                    PERFORM set_config('outflow_test.slept', 'yes', true);
                    PERFORM pg_sleep(0.3);
                END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER rows_slow_commit AFTER INSERT OR UPDATE ON public.rows
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.slow_commit();
            """);
        return target;
    }

    /// <summary>Reads the execution's row as stored, lease columns included.</summary>
    private static async Task<StoredExecution> ReadExecutionAsync(PostgresDatabase store, string executionId)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT status, completed_at, count_total, count_insert, count_update, lease_owner, lease_until FROM executions WHERE id = @id",
            connection);
        command.Parameters.AddWithValue("id", executionId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"execution {executionId} is not in the store");
        return new StoredExecution(
            reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5),
            reader.GetInt64(6));
    }

    private static async Task ExecuteAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<DateTimeOffset> ScalarTimeAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!, TimeSpan.Zero);
    }

    private sealed record StoredExecution(
        string Status, long CompletedAt, long Total, long Inserts, long Updates, string LeaseOwner, long LeaseUntil);
}
