using Outflow.Core.Executions;
using Outflow.Store.Sqlite;
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
        Assert.Equal((UInt128)10, state[1].RowHash);
        Assert.Equal((UInt128)21, state[2].RowHash);
        Assert.Equal(new ExecutionCounts(Total: 6, Insert: 3, Update: 1, Upserts: 3, Delete: 1, Error: 1, Warnings: 2), stored!.Counts);
    }

    [Fact]
    public async Task ResolveInFlight_marks_leftover_unconfirmed()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(1, "a", 10), new StateChange(2, "b", 20)], ExecutionCounts.Zero,
            CancellationToken.None);
        await store.State.SetInFlightAsync(
            sync.Id, execution.Id, null, 1, [new StateEntry(2, "b", 0), new StateEntry(3, "Zürich ✓", 0)], CancellationToken.None);

        Assert.Equal(2, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));

        var state = await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync();
        Assert.Equal(
            [new StateEntry(1, "a", 10), new StateEntry(2, "b", StateChange.Unconfirmed), new StateEntry(3, "Zürich ✓", StateChange.Unconfirmed)],
            state);
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state_in_flight_batches"));
        Assert.Equal(0, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ResolveInFlight_keeps_known_mark()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(1, "a", 10), new StateChange(2, "b", 20)], ExecutionCounts.Zero,
            CancellationToken.None);
        StateEntry[] inFlight =
        [
            new(1, "a", StateChange.UnconfirmedKnown),
            new(2, "Zürich ✓", StateChange.UnconfirmedKnown),
            new(3, "c", StateChange.Unconfirmed),
        ];
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 1, inFlight, CancellationToken.None);

        Assert.Equal(3, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));

        var state = await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync();
        Assert.Equal(inFlight, state.OrderBy(entry => entry.IdentityHash));
    }

    [Fact]
    public async Task Checkpoint_removes_batch_in_flight()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 1, [new StateEntry(1, "a", 0)], CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 2, [new StateEntry(2, "b", 0)], CancellationToken.None);

        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(1, "a", 10), new StateChange(2, "b", 20)],
            new ExecutionCounts(Total: 2, Insert: 2), CancellationToken.None);

        Assert.Equal(0, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));
        Assert.Equal(
            [new StateEntry(1, "a", 10), new StateEntry(2, "b", 20)],
            await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Checkpoint_keeps_later_batches_in_flight()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 1, [new StateEntry(1, "a", 0)], CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 2, [new StateEntry(2, "b", 0)], CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 3, [new StateEntry(3, "c", 0)], CancellationToken.None);

        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(1, "a", 10), new StateChange(2, "b", 20)],
            new ExecutionCounts(Total: 2, Insert: 2), CancellationToken.None, settledBatch: 2);

        Assert.Equal(1, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));
        Assert.Equal(
            [new StateEntry(1, "a", 10), new StateEntry(2, "b", 20), new StateEntry(3, "c", StateChange.Unconfirmed)],
            await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Batch_in_flight_of_earlier_version_is_resolved()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.CheckpointAsync(sync.Id, execution.Id, null, [new StateChange(1, "a", 10)], ExecutionCounts.Zero, CancellationToken.None);

        // Processes of earlier versions record one row per execution in sync_state_in_flight.
        var identities = Convert.ToHexString(InFlightIdentities.Encode(
            [new StateEntry(1, "a", StateChange.UnconfirmedKnown), new StateEntry(2, "b", StateChange.Unconfirmed)]));
        var blob = store.IsPostgreSql ? $"'\\x{identities}'::bytea" : $"x'{identities}'";
        await store.ExecuteAsync(
            $"INSERT INTO sync_state_in_flight (execution_id, sync_id, identities) VALUES ('{execution.Id:D}', '{sync.Id:D}', {blob})");
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 1, [new StateEntry(3, "c", 0)], CancellationToken.None);

        Assert.Equal(3, await store.State.ResolveInFlightAsync(sync.Id, CancellationToken.None));
        Assert.Equal(
            [
                new StateEntry(1, "a", StateChange.UnconfirmedKnown),
                new StateEntry(2, "b", StateChange.Unconfirmed),
                new StateEntry(3, "c", StateChange.Unconfirmed),
            ],
            await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync());
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state_in_flight"));
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state_in_flight_batches"));
    }

    [Fact]
    public async Task DeleteSync_removes_batch_in_flight()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.State.SetInFlightAsync(sync.Id, execution.Id, null, 1, [new StateEntry(1, "a", 0)], CancellationToken.None);

        await store.Syncs.DeleteAsync(sync.OrganizationId, sync.Id, CancellationToken.None);

        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM sync_state_in_flight_batches"));
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
        Assert.All(changes, change => Assert.Equal(new StateEntry(change.IdentityHash, change.Identity, change.RowHash!.Value), found[change.IdentityHash]));
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

    [Theory]
    [InlineData(15, 17)]
    [InlineData(16, 15)]
    public async Task ReadAllAsync_rejects_hash_of_wrong_length(int identityHashLength, int rowHashLength)
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var blob = (int length) => store.IsPostgreSql ? $"'\\x{new string('a', 2 * length)}'::bytea" : $"x'{new string('a', 2 * length)}'";
        await store.ExecuteAsync(
            "INSERT INTO sync_state (sync_id, identity_hash, identity, row_hash) " +
            $"VALUES ('{sync.Id:D}', {blob(identityHashLength)}, 'damaged', {blob(rowHashLength)})");

        var exception = await Assert.ThrowsAsync<InvalidDataException>(
            async () => await store.State.ReadAllAsync(sync.Id, CancellationToken.None).ToListAsync());
        var hashesException = await Assert.ThrowsAsync<InvalidDataException>(
            async () => await store.State.ReadHashesAsync(sync.Id, CancellationToken.None).ToListAsync());

        Assert.Contains("sync_state table is damaged", exception.Message, StringComparison.Ordinal);
        Assert.Contains("sync_state table is damaged", hashesException.Message, StringComparison.Ordinal);
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

        var hashPairs = await store.State.ReadHashesAsync(sync.Id, CancellationToken.None).ToListAsync();

        Assert.Equal(hashes.Order(), entries.Select(entry => entry.IdentityHash));
        Assert.All(entries, entry => Assert.Equal(entry.IdentityHash.ToString(), entry.Identity));
        Assert.All(entries, entry => Assert.Equal(entry.IdentityHash ^ 0xFF, entry.RowHash));
        Assert.Equal(entries.Select(entry => new StateHashes(entry.IdentityHash, entry.RowHash)), hashPairs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(SqliteStateWrites.UpsertRowsPerStatement - 1)]
    [InlineData(SqliteStateWrites.UpsertRowsPerStatement)]
    [InlineData(SqliteStateWrites.UpsertRowsPerStatement + 1)]
    [InlineData(SqliteStateWrites.HashesPerStatement)]
    [InlineData(SqliteStateWrites.HashesPerStatement + 1)]
    [InlineData(3 * SqliteStateWrites.HashesPerStatement)]
    [InlineData(2345)]
    public async Task CheckpointAsync_applies_chunk_boundary_sizes(int count)
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (sync, execution) = await AddExecutionAsync(store);
        var inserted = Enumerable.Range(0, count).Select(i => new StateChange(SpreadHash(i), "id-" + i, (UInt128)i + 1)).ToList();
        var updated = inserted.Select(change => change with { RowHash = change.RowHash + 1000 }).ToList();
        var deleted = inserted.Select(change => change with { RowHash = null }).ToList();

        await store.State.CheckpointAsync(sync, execution, null, inserted, ExecutionCounts.Zero, CancellationToken.None);
        var afterInsert = await ReadAllAsync(store, sync);
        await store.State.CheckpointAsync(sync, execution, null, updated, ExecutionCounts.Zero, CancellationToken.None);
        var afterUpdate = await ReadAllAsync(store, sync);
        await store.State.CheckpointAsync(sync, execution, null, deleted, ExecutionCounts.Zero, CancellationToken.None);
        var afterDelete = await ReadAllAsync(store, sync);

        Assert.Equal(Expected(inserted), afterInsert);
        Assert.Equal(Expected(updated), afterUpdate);
        Assert.Empty(afterDelete);
    }

    [Fact]
    public async Task CheckpointAsync_same_hash_twice_keeps_last()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (sync, execution) = await AddExecutionAsync(store);
        await store.State.CheckpointAsync(
            sync, execution, null, [new StateChange(4, "d", 40), new StateChange(5, "e", 50)], ExecutionCounts.Zero,
            CancellationToken.None);

        List<StateChange> changes =
        [
            // Upsert then delete, of a new hash and of a stored one.
            new StateChange(1, "a", 10), new StateChange(1, "a", null),
            new StateChange(4, "d", 41), new StateChange(4, "d", null),

            // Delete then upsert, of a new hash and of a stored one.
            new StateChange(2, "b", null), new StateChange(2, "b", 20),
            new StateChange(5, "e", null), new StateChange(5, "e2", 51),

            // Two upserts, with the engine's unconfirmed marker first.
            new StateChange(3, "c", StateChange.Unconfirmed), new StateChange(3, "c2", 30),
        ];
        await store.State.CheckpointAsync(sync, execution, null, changes, ExecutionCounts.Zero, CancellationToken.None);

        var entries = await ReadAllAsync(store, sync);
        Assert.Equal([new StateEntry(2, "b", 20), new StateEntry(3, "c2", 30), new StateEntry(5, "e2", 51)], entries);
    }

    [Fact]
    public async Task CheckpointAsync_mixed_changes_match_in_order_application()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (sync, execution) = await AddExecutionAsync(store);
        var stored = Enumerable.Range(0, 700).Select(i => new StateChange(SpreadHash(i), "id-" + i, (UInt128)i + 1)).ToList();
        await store.State.CheckpointAsync(sync, execution, null, stored, ExecutionCounts.Zero, CancellationToken.None);

        // Every third change is a delete and the rest are upserts. Hashes 700 to 999 are new, and hashes 0 to 499
        // come twice, 1000 changes apart, so upserts and deletes of one hash fall into different statement chunks.
        var changes = new List<StateChange>();
        for (var i = 0; i < 1500; i++)
        {
            var hash = SpreadHash(i % 1000);
            var identity = "id-" + (i % 1000);
            changes.Add(i % 3 == 0 ? new StateChange(hash, identity, null) : new StateChange(hash, identity, (UInt128)i + 5000));
        }

        await store.State.CheckpointAsync(sync, execution, null, changes, ExecutionCounts.Zero, CancellationToken.None);

        Assert.Equal(Expected([.. stored, .. changes]), await ReadAllAsync(store, sync));
    }

    [Fact]
    public async Task CheckpointAsync_with_wrong_token_stores_no_chunk()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (sync, execution) = await AddExecutionAsync(store);
        var token = await store.ClaimAsync(execution, TestStore.BaseTime);
        var stored = new StateChange(SpreadHash(0), "id-0", 1);
        await store.State.CheckpointAsync(sync, execution, token, [stored], new ExecutionCounts(Total: 1), CancellationToken.None);
        var changes = Enumerable.Range(0, 1000)
            .Select(i => new StateChange(SpreadHash(i), "id-" + i, i % 2 == 0 ? null : (UInt128)i + 7))
            .ToList();

        await Assert.ThrowsAsync<LeaseLostException>(() => store.State.CheckpointAsync(
            sync, execution, token + "-wrong", changes, new ExecutionCounts(Total: 1000), CancellationToken.None));

        Assert.Equal([new StateEntry(stored.IdentityHash, "id-0", 1)], await ReadAllAsync(store, sync));
        Assert.Equal(new ExecutionCounts(Total: 1), (await store.Executions.GetByIdAsync(execution, CancellationToken.None))!.Counts);
    }

    /// <summary>Returns a hash whose high and low bytes both vary with <paramref name="i"/>.</summary>
    private static UInt128 SpreadHash(int i) => ((UInt128)(uint)(i * 2654435761u) << 96) | (UInt128)i;

    /// <summary>Returns the state that applying the changes one by one in order leaves, ordered by identity hash.</summary>
    private static List<StateEntry> Expected(IEnumerable<StateChange> changes)
    {
        var state = new Dictionary<UInt128, StateEntry>();
        foreach (var change in changes)
        {
            if (change.RowHash is UInt128 rowHash)
            {
                state[change.IdentityHash] = new StateEntry(change.IdentityHash, change.Identity, rowHash);
            }
            else
            {
                state.Remove(change.IdentityHash);
            }
        }

        return [.. state.Values.OrderBy(entry => entry.IdentityHash)];
    }

    private static async Task<List<StateEntry>> ReadAllAsync(TestStore store, Guid syncId)
    {
        var entries = new List<StateEntry>();
        await foreach (var entry in store.State.ReadAllAsync(syncId, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static async Task<(Guid SyncId, Guid ExecutionId)> AddExecutionAsync(TestStore store)
    {
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        return (sync.Id, execution.Id);
    }
}
