using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Append adds every new or changed row as a new record, without an identity.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class AppendModeTests(PostgresFixture postgres)
{
    private const string SelectEvents = "SELECT id, name, amount FROM events ORDER BY id, amount, name";

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Append_new_and_changed_rows_only(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint, name text, amount bigint)");
        await harness.ExecuteTargetAsync("CREATE TABLE events (id bigint, name text, amount bigint)");
        await harness.InstallWriteLogAsync("events");

        // The twins are identical rows: each is appended once, never merged into one and never appended again.
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Twin', 30), (3, 'Twin', 30)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(
            harness.NewSyncConfiguration(model, SyncMode.Append, harness.TargetObject("events"), null, People.Fields));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 4, Insert: 4), first.Counts);
        Assert.Equal(["1|Ada|10", "2|Grace|20", "3|Twin|30", "3|Twin|30"], await harness.QueryTargetRowsAsync(SelectEvents));
        await People.AssertCountsMatchTargetAsync(harness, first);

        var unchanged = await harness.RunAsync(sync);

        People.AssertCompleted(unchanged);
        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());

        await harness.ExecuteSourceAsync("UPDATE people SET amount = 11 WHERE id = 1; INSERT INTO people VALUES (4, 'Barbara', 40)");
        var changed = await harness.RunAsync(sync);

        People.AssertCompleted(changed);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2), changed.Counts);
        Assert.Equal(
            ["1|Ada|10", "1|Ada|11", "2|Grace|20", "3|Twin|30", "3|Twin|30", "4|Barbara|40"],
            await harness.QueryTargetRowsAsync(SelectEvents));
        await People.AssertCountsMatchTargetAsync(harness, changed);
        Assert.Empty(harness.ReadLog(changed.Id, "deletes"));

        // A resync appends every row of the model again.
        var resync = await harness.RunAsync(sync, new ExecutionOptions(Resync: true));

        People.AssertCompleted(resync);
        Assert.Equal(new ExecutionCounts(Total: 5, Insert: 5), resync.Counts);
        Assert.Equal(11L, Convert.ToInt64(await harness.QueryTargetScalarAsync("SELECT count(*) FROM events"), null));
        await People.AssertCountsMatchTargetAsync(harness, resync);
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Append_sync_all_records_every_run(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint, name text, amount bigint)");
        await harness.ExecuteTargetAsync("CREATE TABLE events (id bigint, name text, amount bigint)");
        await harness.InstallWriteLogAsync("events");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var configuration = harness.NewSyncConfiguration(model, SyncMode.Append, harness.TargetObject("events"), null, People.Fields)
            with
        { SyncAllRecords = true };
        var sync = await harness.CreateSyncAsync(configuration);

        for (var run = 1; run <= 2; run++)
        {
            var execution = await harness.RunAsync(sync);

            People.AssertCompleted(execution);
            Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2), execution.Counts);
            await People.AssertCountsMatchTargetAsync(harness, execution);
        }

        Assert.Equal(["1|Ada|10", "1|Ada|10", "2|Grace|20", "2|Grace|20"], await harness.QueryTargetRowsAsync(SelectEvents));
    }
}
