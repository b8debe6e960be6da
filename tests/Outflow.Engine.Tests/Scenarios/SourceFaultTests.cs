using Npgsql;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// A PostgreSQL source whose read of the model ends early, because the query runs past the database's
/// <c>statement_timeout</c> or because the connection is cut while rows stream in. The execution fails with the reason
/// in its errors, and a <c>replace</c> sync deletes none of the rows it did not get to read. Pooled sessions that the
/// server ended while idle are replaced before the read starts.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SourceFaultTests(PostgresFixture postgres)
{
    private const int RowCount = 5000;

    [Fact]
    public async Task Source_statement_timeout_deletes_nothing()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.PostgreSql);
        var (model, sync) = await SyncAllRowsAsync(harness);

        // Row 5 leaves the model, and the query then sleeps at row 40 past the timeout of the source database. Only new
        // sessions get the database's setting, so the pooled ones go.
        await harness.ExecuteSourceAsync($"ALTER DATABASE {harness.SourceDatabase!.Name} SET statement_timeout = '200ms'");
        NpgsqlConnection.ClearAllPools();
        await harness.UpdateModelQueryAsync(
            model,
            "SELECT id, name, amount FROM people WHERE id <> 5 AND pg_sleep(CASE WHEN id = 40 THEN 5 ELSE 0 END) IS NOT NULL");
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        var error = Assert.Single(failed.Errors);
        Assert.Contains("statement timeout", error, StringComparison.Ordinal);
        Assert.Contains("SQLSTATE 57014", error, StringComparison.Ordinal);
        Assert.Equal(ExecutionCounts.Zero, failed.Counts);
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());
        Assert.Equal(People.ExpectedRows(RowCount), await harness.QueryTargetRowsAsync(People.SelectTargetRows));

        await harness.ExecuteSourceAsync($"ALTER DATABASE {harness.SourceDatabase.Name} RESET statement_timeout");
        NpgsqlConnection.ClearAllPools();
        await harness.UpdateModelQueryAsync(model, "SELECT id, name, amount FROM people WHERE id <> 5");
        var recovered = await harness.RunAsync(sync);

        People.AssertCompleted(recovered);
        Assert.Equal(new ExecutionCounts(Total: 1, Delete: 1), recovered.Counts);
        Assert.Equal(new TargetWrites(0, 0, 1), await harness.TakeWriteLogAsync());
    }

    [Fact]
    public async Task Idle_source_sessions_terminated_read_again()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.PostgreSql);
        var (_, sync) = await SyncAllRowsAsync(harness);

        // The first execution left its source sessions idle in the pool, and the server now ends them all.
        await harness.ExecuteSourceAsync("""
            UPDATE people SET amount = amount + 1 WHERE id <= 10;
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid();
            """);
        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal(new ExecutionCounts(Total: 10, Update: 10, Upserts: 10), execution.Counts);
        Assert.Equal(new TargetWrites(0, 10, 0), await harness.TakeWriteLogAsync());
    }

    [Fact]
    public async Task Source_cut_mid_read_deletes_nothing()
    {
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.PostgreSql);
        var (model, sync) = await SyncAllRowsAsync(harness);
        await harness.RouteSourceAsync(proxy.Port);

        // Every row but the first 100 leaves the model, and the connection is cut after some of the remaining rows
        // arrive, so that a read taken as complete would delete most of the target.
        await harness.UpdateModelQueryAsync(model, "SELECT id, name, amount FROM people WHERE id <= 100 OR id % 2 = 0");
        proxy.CutAfter(10_000, ProxyDirection.ToClient);
        var failed = await harness.RunAsync(sync);

        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        var error = Assert.Single(failed.Errors);
        Assert.Contains($"127.0.0.1:{proxy.Port}", error, StringComparison.Ordinal);
        Assert.Equal(ExecutionCounts.Zero, failed.Counts);
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());
        Assert.Equal(People.ExpectedRows(RowCount), await harness.QueryTargetRowsAsync(People.SelectTargetRows));

        var recovered = await harness.RunAsync(sync);

        People.AssertCompleted(recovered);
        const int removed = (RowCount - 100) / 2;
        Assert.Equal(new ExecutionCounts(Total: removed, Delete: removed), recovered.Counts);
        Assert.Equal(new TargetWrites(0, 0, removed), await harness.TakeWriteLogAsync());
    }

    /// <summary>Fills the source with <see cref="RowCount"/> people and writes them all with a <c>replace</c> sync.</summary>
    private static async Task<(Core.Models.Model Model, Sync Sync)> SyncAllRowsAsync(EngineHarness harness)
    {
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync(People.InsertRows(RowCount, SourceKind.PostgreSql));
        var model = await People.CreateModelAsync(harness, "SELECT id, name, amount FROM people");
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        var first = await harness.RunAsync(sync);
        People.AssertCompleted(first);
        Assert.Equal(RowCount, first.Counts.Insert);
        await harness.TakeWriteLogAsync();
        return (model, sync);
    }
}
