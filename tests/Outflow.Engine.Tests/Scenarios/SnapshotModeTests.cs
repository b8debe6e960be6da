using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Snapshot writes every row again on each execution, marked with that execution's id and time.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SnapshotModeTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Snapshot_each_run_writes_all_rows(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        var snapshotAtType = target == TargetKind.PostgreSql ? "timestamptz" : "TEXT";
        await harness.ExecuteTargetAsync(
            $"CREATE TABLE people_snapshots (id bigint, name text, amount bigint, outflow_execution_id text, outflow_snapshot_at {snapshotAtType})");
        await harness.InstallWriteLogAsync("people_snapshots");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(
            harness.NewSyncConfiguration(model, SyncMode.Snapshot, harness.TargetObject("people_snapshots"), null, People.Fields));

        var first = await harness.RunAsync(sync);
        var second = await harness.RunAsync(sync);
        await harness.ExecuteSourceAsync("UPDATE people SET amount = 11 WHERE id = 1; DELETE FROM people WHERE id = 2");
        var third = await harness.RunAsync(sync);

        Execution[] executions = [first, second, third];
        foreach (var execution in executions)
        {
            People.AssertCompleted(execution);
        }

        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2), first.Counts);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2), second.Counts);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1), third.Counts);
        var writes = await harness.TakeWriteLogAsync();
        Assert.Equal(new TargetWrites(5, 0, 0), writes);

        var expected = new List<string>
        {
            $"{first.Id}|1|Ada|10",
            $"{first.Id}|2|Grace|20",
            $"{second.Id}|1|Ada|10",
            $"{second.Id}|2|Grace|20",
            $"{third.Id}|1|Ada|11",
        };
        var rows = await harness.QueryTargetRowsAsync(
            "SELECT outflow_execution_id, id, name, amount FROM people_snapshots ORDER BY outflow_execution_id, id");
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));

        // Every copy carries its execution's time, the same on every row of that copy.
        var times = await harness.QueryTargetValuesAsync(
            "SELECT outflow_execution_id, count(DISTINCT outflow_snapshot_at), count(outflow_snapshot_at) FROM people_snapshots " +
            "GROUP BY outflow_execution_id");
        Assert.Equal(3, times.Count);
        Assert.All(times, row => Assert.Equal(1L, Convert.ToInt64(row[1], null)));
        Assert.Equal(5L, times.Sum(row => Convert.ToInt64(row[2], null)));
    }
}
