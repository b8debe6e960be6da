using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

[Collection(PostgresFixture.CollectionName)]
public sealed class BatchRetryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Write_transient_failures_retried_then_written()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 500);
        flaky.Reset(failFromCall: 1, failureCount: 2);

        var execution = await RunPeopleAsync(harness);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3, Upserts: 3), execution.Counts);
        Assert.Equal(3, flaky.WriteCalls);
    }

    [Fact]
    public async Task Retry_after_commit_counts_inserts()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 2);
        await harness.InstallWriteLogAsync("people");

        // The target commits the first batch (ids 1 and 2), and the call still fails transiently, so it is sent again.
        flaky.Reset(loseResultOfCall: 1, lostResultIsTransient: true);
        var execution = await RunPeopleAsync(harness);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3, Upserts: 3), execution.Counts);
        Assert.Equal(3, flaky.WriteCalls);
        Assert.Equal([true, false, true], flaky.Batches.Select(batch => batch.RecordsAreNew));
        Assert.Equal(new TargetWrites(3, 2, 0), await harness.TakeWriteLogAsync());
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    [Theory]
    [InlineData(SyncMode.UpdateOrCreate)]
    [InlineData(SyncMode.Update)]
    [InlineData(SyncMode.Create)]
    public async Task Retry_before_commit_counts_as_written(SyncMode mode)
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 500);
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'Ada', 10)");
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, mode, "public.people", "id", "name", "amount");

        // The first call fails before anything reaches the target, so the retry's results count as they are.
        flaky.Reset(failFromCall: 1, failureCount: 1);
        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        var expected = mode switch
        {
            SyncMode.Update => new ExecutionCounts(Total: 1, Update: 1, Warnings: 2),
            SyncMode.Create => new ExecutionCounts(Total: 2, Insert: 2),
            _ => new ExecutionCounts(Total: 3, Insert: 2, Update: 1, Upserts: 3),
        };
        Assert.Equal(expected, execution.Counts);
        Assert.Equal(2, flaky.WriteCalls);
        Assert.Equal(flaky.Batches.First().RecordsAreNew, flaky.Batches.Last().RecordsAreNew);
    }

    [Fact]
    public async Task Update_retry_after_commit_counts_updates()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 500);
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'Ada', 0), (2, 'Grace', 0), (3, 'Edsger', 0)");
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Update, "public.people", "id", "name", "amount");

        flaky.Reset(loseResultOfCall: 1, lostResultIsTransient: true);
        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(new ExecutionCounts(Total: 3, Update: 3), execution.Counts);
    }

    [Fact]
    public async Task Write_retries_exhausted_fail_then_resume()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 2);
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people ORDER BY id", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name", "amount");

        // The first batch (ids 1 and 2) is written, and every attempt at the second batch fails.
        flaky.Reset(failFromCall: 2, failureCount: 100);
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Contains("after 5 attempts", Assert.Single(failed.Errors), StringComparison.Ordinal);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), failed.Counts);
        Assert.Equal(6, flaky.WriteCalls);
        Assert.Equal([1L, 2L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        flaky.Reset();
        var resumed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, resumed.Status);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), resumed.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Lost_checkpoint_then_row_removed_deletes()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 2);
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people ORDER BY id", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, "public.people", "id", "name", "amount");

        // The target commits the first batch (ids 1 and 2), but the execution stops before its checkpoint.
        flaky.Reset(loseResultOfCall: 1);
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(ExecutionCounts.Zero, failed.Counts);
        Assert.Equal([1L, 2L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        // Row 2 leaves the model before the next run, which must still know that the sync may have written it.
        harness.ExecuteSource("DELETE FROM people WHERE id = 2");
        flaky.Reset();
        var next = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, next.Status);

        // The write that the failed run never confirmed counts in this run, once, as what it was: row 1's insert. Record 2
        // is deleted, and since its insert was never counted, neither is its delete.
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), next.Counts);
        Assert.Equal([1L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        var unchanged = await harness.RunAsync(sync);
        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
    }

    [Fact]
    public async Task Lost_delete_of_unconfirmed_create_counts_nothing()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 2);
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people ORDER BY id", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, "public.people", "id", "name", "amount");

        // The target commits ids 1 and 2, and the run stops before its checkpoint. Row 2 then leaves the model.
        flaky.Reset(loseResultOfCall: 1);
        await harness.RunAsync(sync);
        harness.ExecuteSource("DELETE FROM people WHERE id = 2");

        // The next run writes ids 1 and 3, then the target deletes record 2 and that run stops before its checkpoint too.
        flaky.Reset(loseResultOfCall: 2);
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), failed.Counts);
        Assert.Equal([1L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        // Record 2 is still only a create that was never confirmed, so settling its delete counts nothing.
        flaky.Reset();
        var next = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, next.Status);
        Assert.Equal(ExecutionCounts.Zero, next.Counts);
        Assert.Equal([1L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Lost_delete_checkpoint_then_row_returns()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 2);
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people ORDER BY id", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, "public.people", "id", "name", "amount");
        flaky.Reset();
        await harness.RunAsync(sync);

        // The target commits the delete of row 2, but the execution stops before its checkpoint.
        harness.ExecuteSource("DELETE FROM people WHERE id = 2");
        flaky.Reset(loseResultOfCall: 1);
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal([1L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        // Row 2 returns with the values the sync wrote before, which must not pass for unchanged.
        harness.ExecuteSource("INSERT INTO people VALUES (2, 'Grace', 20)");
        flaky.Reset();
        var next = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, next.Status);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), next.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Lost_update_checkpoint_then_row_reverts()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 2);
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people ORDER BY id", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name", "amount");
        flaky.Reset();
        await harness.RunAsync(sync);

        harness.ExecuteSource("UPDATE people SET name = 'Grace Hopper' WHERE id = 2");
        flaky.Reset(loseResultOfCall: 1);
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(["Grace Hopper"], await harness.QueryTargetRowsAsync("SELECT name FROM people WHERE id = 2"));

        // The row goes back to the values of the last confirmed write, so only the mark shows the target differs.
        harness.ExecuteSource("UPDATE people SET name = 'Grace' WHERE id = 2");
        flaky.Reset();
        var next = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, next.Status);
        Assert.Equal(new ExecutionCounts(Total: 1, Update: 1, Upserts: 1), next.Counts);
        Assert.Equal(["Grace"], await harness.QueryTargetRowsAsync("SELECT name FROM people WHERE id = 2"));
    }

    [Fact]
    public async Task Lost_checkpoint_create_mode_writes_once()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await CreateHarnessAsync(flaky, batchSize: 2);
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people ORDER BY id", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Create, "public.people", "id", "name", "amount");

        flaky.Reset(loseResultOfCall: 1);
        var failed = await harness.RunAsync(sync);
        flaky.Reset();
        var next = await harness.RunAsync(sync);
        var unchanged = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(ExecutionStatus.Completed, next.Status);

        // Rows 1 and 2, which the failed run wrote without confirming, count here once as the inserts they were.
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3), next.Counts);
        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    private async Task<EngineHarness> CreateHarnessAsync(FlakyConnectorFactory flaky, int batchSize)
    {
        var harness = await EngineHarness.CreateAsync(postgres, batchSize, flaky);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount numeric)");
        return harness;
    }

    private static async Task<Execution> RunPeopleAsync(EngineHarness harness)
    {
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name", "amount");
        return await harness.RunAsync(sync);
    }
}
