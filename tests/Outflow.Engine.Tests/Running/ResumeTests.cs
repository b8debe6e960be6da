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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resume_after_row_left_counts_nothing(bool arrived)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, batchSize: 2);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (3, 'Edsger')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        await harness.InstallWriteLogAsync("people");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, "public.people", "id", "name");
        var execution = await harness.CreateExecutionAsync(sync);

        // An earlier attempt was creating ids 1 and 2 when it died, and row 2 left the model before the resume.
        StateEntry[] inFlight =
        [
            new(IdentityText.Hash("1"), "1", StateChange.Unconfirmed),
            new(IdentityText.Hash("2"), "2", StateChange.Unconfirmed),
        ];
        await harness.State.SetInFlightAsync(sync.Id, execution.Id, null, 1, inFlight, CancellationToken.None);
        if (arrived)
        {
            await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace')");
        }

        await harness.TakeWriteLogAsync();
        await harness.Runner.RunAsync(execution.Id, CancellationToken.None);

        // Record 2 is removed if it arrived, and counted neither as inserted nor as deleted.
        var completed = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Completed, completed!.Status);
        Assert.Equal(2, completed.Counts.Insert);
        Assert.Equal(0, completed.Counts.Delete);
        Assert.Equal(2, completed.Counts.Total);
        Assert.Empty(harness.ReadLog(execution.Id, "deletes"));
        Assert.Equal(arrived ? 1 : 0, (await harness.TakeWriteLogAsync()).Deletes);
        Assert.Equal([1L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
        Assert.Equal(["1", "3"], (await harness.ReadStateAsync(sync)).Keys.Order(StringComparer.Ordinal));
    }
}
