using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>With tracking columns on the model, only a change in those columns makes a row count as changed.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class TrackingColumnsTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Tracking_columns_alone_decide_change(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        await harness.SetTrackingColumnsAsync(model, "amount");
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), first.Counts);
        await People.AssertCountsMatchTargetAsync(harness, first);

        // Only the name changes, which is not tracked: nothing is written.
        await harness.ExecuteSourceAsync("UPDATE people SET name = 'Ada L.' WHERE id = 1");
        var untracked = await harness.RunAsync(sync);

        People.AssertCompleted(untracked);
        Assert.Equal(ExecutionCounts.Zero, untracked.Counts);
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());
        Assert.Equal(["1|Ada|10", "2|Grace|20"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));

        // The tracked amount changes: the whole row is written, the earlier name change included.
        await harness.ExecuteSourceAsync("UPDATE people SET amount = 11 WHERE id = 1");
        var tracked = await harness.RunAsync(sync);

        People.AssertCompleted(tracked);
        Assert.Equal(new ExecutionCounts(Total: 1, Update: 1, Upserts: 1), tracked.Counts);
        Assert.Equal(["1|Ada L.|11", "2|Grace|20"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, tracked);
    }
}
