using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Rows;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

/// <summary>An execution that resumes after its worker died continues from the state that the earlier attempt left.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ResumeTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Resume_with_errors_resolves_batch_in_flight()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, batchSize: 2);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger'), (NULL, 'Nobody')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");
        var execution = await harness.CreateExecutionAsync(sync);

        // An earlier attempt counted the row without identity, wrote ids 1 and 2, and died before their checkpoint.
        await harness.State.CheckpointAsync(
            sync.Id, execution.Id, null, [], new ExecutionCounts(Total: 1, Error: 1), CancellationToken.None);
        StateEntry[] inFlight =
        [
            new(IdentityText.Hash("1"), "1", StateChange.Unconfirmed),
            new(IdentityText.Hash("2"), "2", StateChange.Unconfirmed),
        ];
        await harness.State.SetInFlightAsync(sync.Id, execution.Id, null, 1, inFlight, CancellationToken.None);
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace')");

        await harness.Runner.RunAsync(execution.Id, CancellationToken.None);

        // The resent records count as the inserts they were, and the row without identity counts once.
        var completed = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Completed, completed!.Status);
        Assert.Equal(new ExecutionCounts(Total: 4, Insert: 3, Upserts: 3, Error: 1), completed.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }
}
