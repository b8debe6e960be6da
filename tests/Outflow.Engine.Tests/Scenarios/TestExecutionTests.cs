using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// Start Sync with test: writes the listed identities, or the first 10 rows, whether or not they changed, and leaves
/// change-detection state as it was.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class TestExecutionTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Test_run_writes_sample_and_keeps_state(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 15)
            INSERT INTO people SELECT i, 'person ' || i, i FROM n
            """);
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        var sample = await harness.RunAsync(sync, new ExecutionOptions(Test: true), ExecutionTypes.Test);

        People.AssertCompleted(sample);
        Assert.Equal(new ExecutionCounts(Total: 10, Insert: 10, Upserts: 10), sample.Counts);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
        Assert.Empty(await harness.ReadStateAsync(sync));
        await People.AssertCountsMatchTargetAsync(harness, sample);

        var listed = await harness.RunAsync(sync, new ExecutionOptions(Identities: ["12", "13"], Test: true), ExecutionTypes.Test);

        People.AssertCompleted(listed);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), listed.Counts);
        Assert.Equal(12, (await harness.QueryTargetIdsAsync("SELECT id FROM people")).Count);
        Assert.Empty(await harness.ReadStateAsync(sync));

        // The state has no entry from the test runs, so a normal run writes all 15 rows.
        var normal = await harness.RunAsync(sync);

        People.AssertCompleted(normal);
        Assert.Equal(new ExecutionCounts(Total: 15, Insert: 3, Update: 12, Upserts: 15), normal.Counts);
        var state = await harness.ReadStateAsync(sync);
        Assert.Equal(15, state.Count);
        await harness.TakeWriteLogAsync();

        // An unchanged row is written anyway by a test run, and the state stays as the normal run left it.
        await harness.ExecuteTargetAsync("UPDATE people SET name = 'edited in target' WHERE id = 1");
        await harness.TakeWriteLogAsync();
        var unchanged = await harness.RunAsync(sync, new ExecutionOptions(Identities: ["1"], Test: true), ExecutionTypes.Test);

        People.AssertCompleted(unchanged);
        Assert.Equal(new ExecutionCounts(Total: 1, Update: 1, Upserts: 1), unchanged.Counts);
        Assert.Equal("person 1", await harness.QueryTargetScalarAsync("SELECT name FROM people WHERE id = 1"));
        Assert.Equal(state, await harness.ReadStateAsync(sync));
        await People.AssertCountsMatchTargetAsync(harness, unchanged);
    }
}
