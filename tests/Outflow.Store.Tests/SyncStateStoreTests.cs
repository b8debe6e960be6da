using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class SyncStateStoreTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task CheckpointAsync_applies_state_and_counts_together()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        await store.State.CheckpointAsync(
            sync.Id,
            execution.Id,
            null,
            [new StateChange(1, "a", 10), new StateChange(2, "b", 20), new StateChange(3, "c", 30)],
            new ExecutionCounts(Total: 3, Insert: 3, Upserts: 3),
            CancellationToken.None);
        await store.State.CheckpointAsync(
            sync.Id,
            execution.Id,
            null,
            [new StateChange(2, "b", 21), new StateChange(3, "c", null)],
            new ExecutionCounts(Total: 3, Update: 1, Delete: 1, Error: 1, Warnings: 2),
            CancellationToken.None);

        var state = await store.State.LookupAsync(sync.Id, [1, 2, 3, 4], CancellationToken.None);
        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(2, state.Count);
        Assert.Equal((UInt128)10, state[1]);
        Assert.Equal((UInt128)21, state[2]);
        Assert.Equal(new ExecutionCounts(Total: 6, Insert: 3, Update: 1, Upserts: 3, Delete: 1, Error: 1, Warnings: 2), stored!.Counts);
    }

    [Fact]
    public async Task ResolveInFlightAsync_marks_a_batch_left_in_flight_unconfirmed()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(1, "a", 10), new StateChange(2, "b", 20)], ExecutionCounts.Zero,
            CancellationToken.None);
        await store.State.SetInFlightAsync(
            sync.Id, execution.Id, null, [new StateEntry(2, "b", 0), new StateEntry(3, "Zürich ✓", 0)], CancellationToken.None);

        Assert.Equal(2, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));

        var state = await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync();
        Assert.Equal(
            [new StateEntry(1, "a", 10), new StateEntry(2, "b", StateChange.Unconfirmed), new StateEntry(3, "Zürich ✓", StateChange.Unconfirmed)],
            state);
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state_in_flight"));
        Assert.Equal(0, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));
    }

    [Fact]
    public async Task CheckpointAsync_removes_the_batch_in_flight_it_confirms()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, [new StateEntry(1, "a", 0)], CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, [new StateEntry(2, "b", 0)], CancellationToken.None);

        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(2, "b", 20)], new ExecutionCounts(Total: 1, Insert: 1), CancellationToken.None);

        Assert.Equal(0, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));
        Assert.Equal([new StateEntry(2, "b", 20)], await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task DeleteAsync_of_a_sync_removes_its_batch_in_flight()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, [new StateEntry(1, "a", 0)], CancellationToken.None);

        await store.Syncs.DeleteAsync(sync.OrganizationId, sync.Id, CancellationToken.None);

        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state_in_flight"));
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 0)]
    public async Task UpdateAsync_clears_state_when_requested(bool clearState, int remaining)
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(1, "a", 10), new StateChange(2, "b", 20)], ExecutionCounts.Zero,
            CancellationToken.None);

        await store.Syncs.UpdateAsync(sync, clearState, CancellationToken.None);

        var state = await store.State.LookupAsync(sync.Id, [1, 2], CancellationToken.None);
        Assert.Equal(remaining, state.Count);
    }

    [Fact]
    public async Task CheckpointAsync_for_unknown_execution_stores_nothing()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.State.CheckpointAsync(
            sync.Id, Guid.NewGuid(), null, [new StateChange(1, "a", 10)], new ExecutionCounts(Total: 1, Insert: 1), CancellationToken.None));

        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state"));
    }

    [Fact]
    public async Task CheckpointAsync_failing_midway_rolls_back_counts()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        // A trigger makes the second state write fail after the counts and the first write succeeded.
        await store.ExecuteAsync(store.IsPostgreSql
            ? """
                CREATE FUNCTION fail_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.identity = 'poison' THEN RAISE EXCEPTION 'injected failure'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER fail_second_state_write BEFORE INSERT ON sync_state
                FOR EACH ROW EXECUTE FUNCTION fail_poison();
                """
            : """
                CREATE TRIGGER fail_second_state_write BEFORE INSERT ON sync_state
                WHEN NEW.identity = 'poison' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
                """);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => store.State.CheckpointAsync(
            sync.Id,
            execution.Id,
            null,
            [new StateChange(1, "a", 10), new StateChange(2, "poison", 20)],
            new ExecutionCounts(Total: 2, Insert: 2),
            CancellationToken.None));

        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state"));
        Assert.Equal(ExecutionCounts.Zero, (await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Counts);
    }

    [Fact]
    public async Task LookupAsync_more_hashes_than_one_statement_finds_all()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var changes = Enumerable.Range(0, 1234)
            .Select(i => new StateChange((UInt128)i * 7919, "id-" + i, (UInt128)i + 1))
            .ToList();
        await store.State.CheckpointAsync(sync.Id, execution.Id, null, changes, ExecutionCounts.Zero, CancellationToken.None);

        var requested = changes.Select(change => change.IdentityHash).Append(UInt128.MaxValue).ToList();
        var found = await store.State.LookupAsync(sync.Id, requested, CancellationToken.None);

        Assert.Equal(changes.Count, found.Count);
        Assert.All(changes, change => Assert.Equal(change.RowHash, found[change.IdentityHash]));
    }

    [Fact]
    public async Task LookupAsync_ignores_state_of_other_sync()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, connection, model, sync) = await store.AddSyncWithParentsAsync();
        var otherSync = await store.AddSyncAsync(organization.Id, connection.Id, model.Id);
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(5, "e", 50)], ExecutionCounts.Zero, CancellationToken.None);

        Assert.Empty(await store.State.LookupAsync(otherSync.Id, [5], CancellationToken.None));
        Assert.Single(await store.State.LookupAsync(sync.Id, [5], CancellationToken.None));
    }

    [Fact]
    public async Task ReadAllAsync_streams_entries_in_hash_order()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        // Hashes that differ in high and low bytes, so little-endian storage would sort them wrongly.
        UInt128[] hashes = [UInt128.MaxValue, 1, (UInt128)1 << 64, 256, ((UInt128)1 << 127) + 1, 0, 255];
        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, hashes.Select(hash => new StateChange(hash, hash.ToString(), hash ^ 0xFF)).ToList(),
            ExecutionCounts.Zero, CancellationToken.None);

        var entries = new List<StateEntry>();
        await foreach (var entry in store.State.ReadAllAsync(sync.Id, CancellationToken.None))
        {
            entries.Add(entry);
        }

        Assert.Equal(hashes.Order(), entries.Select(entry => entry.IdentityHash));
        Assert.All(entries, entry => Assert.Equal(entry.IdentityHash.ToString(), entry.Identity));
        Assert.All(entries, entry => Assert.Equal(entry.IdentityHash ^ 0xFF, entry.RowHash));
    }
}
