using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

/// <summary>Batches tell the target when none of their records is in the sync's state, so it may insert them faster.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class NewRecordBatchTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Batch_new_only_when_all_new()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await EngineHarness.CreateAsync(postgres, batchSize: 2, flakyTarget: flaky);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, "public.people", "id", "name");

        await RunAsync(harness, sync);
        var first = Drain(flaky);
        harness.ExecuteSource("UPDATE people SET name = 'Grace H' WHERE id = 2; INSERT INTO people VALUES (4, 'Barbara')");
        await RunAsync(harness, sync);
        var changed = Drain(flaky);
        harness.ExecuteSource("INSERT INTO people VALUES (5, 'Frances'), (6, 'Jean')");
        await RunAsync(harness, sync);
        var added = Drain(flaky);

        Assert.Equal([(2, true), (1, true)], first);
        Assert.Equal([(2, false)], changed);
        Assert.Equal([(2, true)], added);
        Assert.Equal(
            [1L, 2L, 3L, 4L, 5L, 6L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    private static async Task RunAsync(EngineHarness harness, Core.Syncs.Sync sync)
    {
        var execution = await harness.CreateExecutionAsync(sync);
        await harness.Runner.RunAsync(execution.Id, CancellationToken.None);
    }

    private static List<(int Records, bool New)> Drain(FlakyConnectorFactory flaky)
    {
        var batches = new List<(int, bool)>();
        while (flaky.Batches.TryDequeue(out var batch))
        {
            batches.Add((batch.Records.Count, batch.RecordsAreNew));
        }

        return batches;
    }
}
