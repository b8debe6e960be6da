using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

/// <summary>Checkpoints that run beside the next batch's write, with every batch due for one.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CheckpointTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Checkpoints_beside_writes_count_exactly()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, batchSize: 2, checkpointRecords: 1);
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.Replace);

        var first = await harness.RunAsync(sync);
        harness.ExecuteSource(
            "UPDATE people SET name = 'Ada L.' WHERE id = 1; UPDATE people SET name = 'Niklaus W.' WHERE id = 9; " +
            "DELETE FROM people WHERE id = 5; INSERT INTO people VALUES (10, 'Tony')");
        var second = await harness.RunAsync(sync);
        var unchanged = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, first.Status);
        Assert.Equal(new ExecutionCounts(Total: 9, Insert: 9, Upserts: 9), first.Counts);
        Assert.Equal(9, harness.ReadLog(first.Id, "records").Count);
        Assert.Equal(new ExecutionCounts(Total: 4, Insert: 1, Update: 2, Upserts: 3, Delete: 1), second.Counts);
        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
        Assert.Equal(9, (await harness.ReadStateAsync(sync)).Count);
        Assert.Equal(
            ["1:Ada L.", "2:Grace", "3:Edsger", "4:Barbara", "6:Frances", "7:John", "8:Margaret", "9:Niklaus W.", "10:Tony"],
            await harness.QueryTargetRowsAsync("SELECT id || ':' || name FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Failed_checkpoint_beside_writes_fails_execution()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, batchSize: 2, checkpointRecords: 1);
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.UpdateOrCreate);

        // The store rejects the checkpoint of the third batch (ids 5 and 6) while the fourth batch is written.
        harness.ExecuteStore(
            "CREATE TRIGGER reject_state BEFORE INSERT ON sync_state WHEN NEW.identity = '5' " +
            "BEGIN SELECT RAISE(ABORT, 'the test rejects this state'); END");
        var failed = await harness.RunAsync(sync);
        var written = await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id");
        var stateAfterFailure = await harness.ReadStateAsync(sync);
        harness.ExecuteStore("DROP TRIGGER reject_state");
        var next = await harness.RunAsync(sync);

        // The batches the target confirmed after the last checkpoint stayed in flight, so the next run counts each once.
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Contains("the test rejects this state", Assert.Single(failed.Errors), StringComparison.Ordinal);
        Assert.Equal(new ExecutionCounts(Total: 4, Insert: 4, Upserts: 4), failed.Counts);
        Assert.Equal(["1", "2", "3", "4"], stateAfterFailure.Keys.Order(StringComparer.Ordinal));
        Assert.True(written.Count >= 6, $"the target had {written.Count} rows after the failed run");
        Assert.Equal(ExecutionStatus.Completed, next.Status);
        Assert.Equal(new ExecutionCounts(Total: 5, Insert: 5, Upserts: 5), next.Counts);
        Assert.Equal(9, (await harness.ReadStateAsync(sync)).Count);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    /// <summary>Creates nine people in the source, an empty target table, and a sync between them in <paramref name="mode"/>.</summary>
    private static async Task<Sync> CreatePeopleSyncAsync(EngineHarness harness, SyncMode mode)
    {
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource(
            "INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger'), (4, 'Barbara'), (5, 'Donald'), (6, 'Frances'), " +
            "(7, 'John'), (8, 'Margaret'), (9, 'Niklaus')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        return await harness.CreateSyncAsync(model, mode, "public.people", "id", "name");
    }
}
