using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Start Sync's <c>identities</c> restrict an execution to the listed rows, and such a run never deletes.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class IdentitiesOptionTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Identities_restrict_run_and_never_delete(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        People.AssertCompleted(await harness.RunAsync(sync));
        await harness.TakeWriteLogAsync();

        await harness.ExecuteSourceAsync(
            "UPDATE people SET amount = 11 WHERE id = 1; UPDATE people SET amount = 21 WHERE id = 2; DELETE FROM people WHERE id = 3; " +
            "INSERT INTO people VALUES (4, 'Barbara', 40)");
        var restricted = await harness.RunAsync(sync, new ExecutionOptions(Identities: ["1", "4", "3"]));

        // Row 3 is listed but left the model: a restricted run does not delete it.
        People.AssertCompleted(restricted);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 1, Update: 1, Upserts: 2), restricted.Counts);
        Assert.Equal(
            ["1|Ada|11", "2|Grace|20", "3|Edsger|30", "4|Barbara|40"],
            await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, restricted);

        var full = await harness.RunAsync(sync);

        People.AssertCompleted(full);
        Assert.Equal(new ExecutionCounts(Total: 2, Update: 1, Upserts: 1, Delete: 1), full.Counts);
        Assert.Equal(["1|Ada|11", "2|Grace|21", "4|Barbara|40"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, full);
    }
}
