using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Resync and <c>sync_all_records</c> send every row again, as updates of the records already there.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ResyncTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql, SyncMode.UpdateOrCreate)]
    [InlineData(TargetKind.Sqlite, SyncMode.UpdateOrCreate)]
    [InlineData(TargetKind.PostgreSql, SyncMode.Replace)]
    [InlineData(TargetKind.Sqlite, SyncMode.Replace)]
    public async Task Resync_sends_every_row_as_update(TargetKind target, SyncMode mode)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, mode));
        People.AssertCompleted(await harness.RunAsync(sync));
        await harness.TakeWriteLogAsync();

        // A row changed in the target behind the sync's back is put right only by a resync.
        await harness.ExecuteTargetAsync("UPDATE people SET name = 'edited in target' WHERE id = 2");
        await harness.TakeWriteLogAsync();
        var resync = await harness.RunAsync(sync, new ExecutionOptions(Resync: true));

        People.AssertCompleted(resync);
        Assert.Equal(new ExecutionCounts(Total: 3, Update: 3, Upserts: 3), resync.Counts);
        Assert.Equal(["1|Ada|10", "2|Grace|20", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, resync);

        var normal = await harness.RunAsync(sync);

        Assert.Equal(ExecutionCounts.Zero, normal.Counts);
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Sync_all_records_sends_every_row_each_run(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var configuration = People.Configuration(harness, model, SyncMode.Replace) with { SyncAllRecords = true };
        var sync = await harness.CreateSyncAsync(configuration);

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), first.Counts);
        await People.AssertCountsMatchTargetAsync(harness, first);

        await harness.ExecuteSourceAsync("DELETE FROM people WHERE id = 1; INSERT INTO people VALUES (3, 'Edsger', 30)");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 1, Update: 1, Upserts: 2, Delete: 1), second.Counts);
        Assert.Equal(["2|Grace|20", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, second);

        var third = await harness.RunAsync(sync);

        People.AssertCompleted(third);
        Assert.Equal(new ExecutionCounts(Total: 2, Update: 2, Upserts: 2), third.Counts);
        Assert.Equal(["2|Grace|20", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, third);
    }
}
