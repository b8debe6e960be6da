using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Replace against a table that another application also writes to.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ReplaceForeignRowsTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Replace_foreign_rows_survive_every_execution(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (100, 'before the sync', 1)");
        await harness.TakeWriteLogAsync();
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), first.Counts);
        await People.AssertCountsMatchTargetAsync(harness, first);

        // Another application adds a row between executions, and the model loses a row.
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (200, 'between executions', 2)");
        await harness.TakeWriteLogAsync();
        await harness.ExecuteSourceAsync("DELETE FROM people WHERE id = 2");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 1, Delete: 1), second.Counts);
        Assert.Equal(
            ["1|Ada|10", "100|before the sync|1", "200|between executions|2"],
            await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, second);

        // An empty model deletes every record the sync wrote, and still none of the others.
        await harness.ExecuteSourceAsync("DELETE FROM people");
        var emptied = await harness.RunAsync(sync);

        People.AssertCompleted(emptied);
        Assert.Equal(new ExecutionCounts(Total: 1, Delete: 1), emptied.Counts);
        Assert.Equal(
            ["100|before the sync|1", "200|between executions|2"],
            await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, emptied);

        var resync = await harness.RunAsync(sync, new ExecutionOptions(Resync: true));

        People.AssertCompleted(resync);
        Assert.Equal(ExecutionCounts.Zero, resync.Counts);
        Assert.Equal(2L, Convert.ToInt64(await harness.QueryTargetScalarAsync("SELECT count(*) FROM people"), null));
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Replace_record_already_deleted_not_counted(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        People.AssertCompleted(await harness.RunAsync(sync));

        // The other application deletes record 2 first, so the sync's delete finds nothing and counts nothing.
        await harness.ExecuteTargetAsync("DELETE FROM people WHERE id = 2");
        await harness.TakeWriteLogAsync();
        await harness.ExecuteSourceAsync("DELETE FROM people WHERE id = 2");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(ExecutionCounts.Zero, second.Counts);
        await People.AssertCountsMatchTargetAsync(harness, second);
        Assert.Equal(["1|Ada|10"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
    }
}
