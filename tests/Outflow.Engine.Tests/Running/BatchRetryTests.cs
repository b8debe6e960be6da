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
