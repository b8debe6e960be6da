using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>With skip_initial_backfill, the first execution records the model as written, and later ones write changes only.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SkipInitialBackfillTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql, SyncMode.UpdateOrCreate)]
    [InlineData(TargetKind.Sqlite, SyncMode.UpdateOrCreate)]
    [InlineData(TargetKind.PostgreSql, SyncMode.Replace)]
    [InlineData(TargetKind.Sqlite, SyncMode.Replace)]
    public async Task Skip_initial_backfill_writes_only_later_changes(TargetKind target, SyncMode mode)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, mode) with { SkipInitialBackfill = true });

        // A dry run before the baseline predicts what the baseline does: nothing.
        var dryRun = await harness.RunAsync(sync, type: ExecutionTypes.DryRun);

        People.AssertCompleted(dryRun);
        Assert.Equal(ExecutionCounts.Zero, dryRun.Counts);

        var baseline = await harness.RunAsync(sync);

        People.AssertCompleted(baseline);
        Assert.Equal(ExecutionCounts.Zero, baseline.Counts);
        Assert.Empty(await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());

        await harness.ExecuteSourceAsync("UPDATE people SET amount = 21 WHERE id = 2; INSERT INTO people VALUES (3, 'Edsger', 30)");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), second.Counts);
        Assert.Equal(["2|Grace|21", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, second);

        var unchanged = await harness.RunAsync(sync);

        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
    }
}
