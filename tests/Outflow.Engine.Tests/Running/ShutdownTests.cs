using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

/// <summary>Shutdown stops a running execution between batches and requeues it without losing or repeating a batch.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ShutdownTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Shutdown_after_commit_checkpoints_batch()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await EngineHarness.CreateAsync(postgres, batchSize: 2, flakyTarget: flaky);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')");
        await harness.ExecuteTargetAsync("CREATE TABLE events (id bigint, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(
            harness.NewSyncConfiguration(model, SyncMode.Append, "public.events", null, "id", "name"));
        var execution = await harness.CreateExecutionAsync(sync);

        // Shutdown begins right after the target committed the first batch and before its checkpoint.
        using var shutdown = new CancellationTokenSource();
        flaky.AfterWrite = call =>
        {
            if (call == 1)
            {
                shutdown.Cancel();
            }
        };
        var stopped = await harness.Runner.RunAsync(execution.Id, shutdown.Token);
        var requeued = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(ExecutionRunOutcome.Requeued, stopped.Outcome);
        Assert.Equal(ExecutionStatus.Queued, requeued!.Status);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2), requeued.Counts);

        flaky.AfterWrite = null;
        var resumed = await harness.Runner.RunAsync(execution.Id, CancellationToken.None);
        var completed = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(ExecutionRunOutcome.Ended, resumed.Outcome);
        Assert.Equal(ExecutionStatus.Completed, completed!.Status);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3), completed.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM events ORDER BY id"));
    }
}
