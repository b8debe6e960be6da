using System.Security.Cryptography;
using Npgsql;
using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests.PostgreSql;

/// <summary>
/// Takeovers from a worker that was paused (SIGSTOP) while it sent a large statement of a store transaction. A
/// <see cref="TcpFaultProxy"/> hold emulates the pause: the server gets the first part of the statement and then
/// nothing, on a connection that stays open. PostgreSQL counts such a session as active, not idle in its transaction,
/// so no timeout ends it, and its locks stay until the worker resumes. The claim of the execution and the new owner's
/// writes must not need any of them.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PausedWriterPostgreSqlTests(PostgresFixture postgres)
{
    private const int ChangesPerCheckpoint = 3_000;

    private static readonly DateTimeOffset Claimed = TestStore.BaseTime.AddSeconds(10);

    private static readonly DateTimeOffset AfterExpiry = Claimed + TestStore.LeaseDuration + TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The checkpoint upserts and deletes state and settles a batch in flight. The pause lands early, in the middle
    /// and late in the bytes of that checkpoint, so it hits each part of it.
    /// </summary>
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public async Task Paused_checkpoint_blocks_no_takeover(double pausedAtFraction)
    {
        await using var store = await TestStore.CreateAsync(postgres);
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var paused = store.OpenSecondInstanceAt(proxy.Port);

        // An identical checkpoint of another execution measures how many bytes the paused one sends.
        var measured = await AddExecutionAsync(store);
        var measuredToken = await PrepareCheckpointAsync(store, paused, measured);
        var before = proxy.BytesToServer;
        await CheckpointAsync(paused, measured, measuredToken, rowHash: 2);
        var checkpointBytes = proxy.BytesToServer - before;

        var execution = await AddExecutionAsync(store);
        var pausedToken = await PrepareCheckpointAsync(store, paused, execution);
        proxy.HoldAfter((long)(checkpointBytes * pausedAtFraction), ProxyDirection.ToServer);
        var stalled = CheckpointAsync(paused, execution, pausedToken, rowHash: 2);
        await proxy.HoldStarted.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForSessionInClientReadAsync(store);

        var takeover = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);
        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);

        // The new owner writes the same records, so it needs the state rows that the paused checkpoint writes.
        await CheckpointAsync(store, execution, takeover.LeaseToken!, rowHash: 3);

        proxy.CutAll();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => stalled);
        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        var state = await store.State.LookupAsync(execution.SyncId, [.. NewHashes(), .. OldHashes()], CancellationToken.None);
        Assert.Equal(new ExecutionCounts(Total: 2 * ChangesPerCheckpoint, Insert: 2 * ChangesPerCheckpoint), stored!.Counts);
        Assert.Equal(ChangesPerCheckpoint, state.Count);
        Assert.All(NewHashes(), hash => Assert.Equal((UInt128)3, state[hash].RowHash));
    }

    [Fact]
    public async Task Paused_log_files_store_blocks_no_takeover()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var paused = store.OpenSecondInstanceAt(proxy.Port);
        var execution = await AddExecutionAsync(store);
        await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        await paused.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        // Random bytes do not compress, so the stored file is as large as this.
        var content = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var file = new ExecutionLogFileContent(
            new ExecutionLogFile("records", "records-0000.jsonl", 1, content.Length), () => new MemoryStream(content));
        proxy.HoldAfter(256 * 1024, ProxyDirection.ToServer);
        var stalled = paused.LogFiles.ReplaceAsync(execution.Id, null, [file], CancellationToken.None);
        await proxy.HoldStarted.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForSessionInClientReadAsync(store);

        var takeover = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);
        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);
        Assert.True(await store.Executions.FinishAsync(
            execution.Id, takeover.LeaseToken, ExecutionStatus.Completed, [], AfterExpiry, CancellationToken.None));

        proxy.CutAll();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => stalled);
        Assert.Empty(await store.LogFiles.ListAsync(execution.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Paused_console_append_blocks_no_takeover()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        await using var paused = store.OpenSecondInstanceAt(proxy.Port);
        var execution = await AddExecutionAsync(store);
        await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        await paused.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        proxy.HoldAfter(16 * 1024, ProxyDirection.ToServer);
        var stalled = paused.ConsoleLog.AppendAsync(
            execution.Id, Claimed, "error", new string('x', 256 * 1024), null, CancellationToken.None);
        await proxy.HoldStarted.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForSessionInClientReadAsync(store);

        var takeover = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);
        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);

        proxy.CutAll();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => stalled);
    }

    /// <summary>
    /// A session that keeps the execution's row locked, whatever it waits for, makes the claim give up after a bounded
    /// wait and report the lease as held, so that the job tries again later instead of failing.
    /// </summary>
    [Fact]
    public async Task Claim_on_locked_row_returns_held_elsewhere()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        await store.ClaimAsync(execution.Id, Claimed, "host-a:1");

        await using var locker = new NpgsqlConnection(store.PostgresDatabase!.ConnectionString);
        await locker.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var select = new NpgsqlCommand("SELECT id FROM executions WHERE id = @id FOR UPDATE", locker, transaction))
        {
            select.Parameters.AddWithValue("id", execution.Id.ToString("D"));
            Assert.NotNull(await select.ExecuteScalarAsync());
        }

        var whileLocked = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);
        await transaction.RollbackAsync();
        var afterUnlock = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.HeldElsewhere, whileLocked.Status);
        Assert.Equal("host-a:1", whileLocked.HeldBy);
        Assert.Equal(ExecutionClaimStatus.Claimed, afterUnlock.Status);
    }

    private static async Task<Execution> AddExecutionAsync(TestStore store)
    {
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        return execution;
    }

    /// <summary>
    /// Claims the execution for the worker that will pause, stores the state that its checkpoint deletes, the batch in
    /// flight that it settles and a later one that it keeps, and returns the lease token. The paused instance's pool then has an open connection.
    /// </summary>
    private static async Task<string> PrepareCheckpointAsync(TestStore store, TestStore paused, Execution execution)
    {
        var token = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        var oldState = OldHashes().Select(hash => new StateChange(hash, Identity(hash), 1)).ToList();
        await store.State.CheckpointAsync(
            execution.SyncId, execution.Id, token, oldState,
            new ExecutionCounts(Total: ChangesPerCheckpoint, Insert: ChangesPerCheckpoint), CancellationToken.None);
        await paused.State.SetInFlightAsync(execution.SyncId, execution.Id, token, 1, InFlight(), CancellationToken.None);
        await paused.State.SetInFlightAsync(execution.SyncId, execution.Id, token, 2, InFlight(), CancellationToken.None);
        return token;
    }

    /// <summary>Deletes the old state, upserts the new state with <paramref name="rowHash"/>, and settles the first batch in flight.</summary>
    private static Task CheckpointAsync(TestStore store, Execution execution, string token, UInt128 rowHash)
    {
        var changes = OldHashes().Select(hash => new StateChange(hash, Identity(hash), null))
            .Concat(NewHashes().Select(hash => new StateChange(hash, Identity(hash), rowHash)))
            .ToList();
        return store.State.CheckpointAsync(
            execution.SyncId, execution.Id, token, changes,
            new ExecutionCounts(Total: ChangesPerCheckpoint, Insert: ChangesPerCheckpoint), CancellationToken.None,
            settledBatch: 1);
    }

    private static List<StateEntry> InFlight() =>
        NewHashes().Select(hash => new StateEntry(hash, Identity(hash), StateChange.Unconfirmed)).ToList();

    // Every execution has a sync of its own, so the measuring checkpoint and the paused one write the same hashes.
    private static IEnumerable<UInt128> OldHashes() => Enumerable.Range(1, ChangesPerCheckpoint).Select(i => (UInt128)i);

    private static IEnumerable<UInt128> NewHashes() =>
        Enumerable.Range(ChangesPerCheckpoint + 1, ChangesPerCheckpoint).Select(i => (UInt128)i);

    private static string Identity(UInt128 hash) => $"customer-{hash:X32}";

    /// <summary>
    /// Waits until a session of the store's database waits for the rest of a statement from its client, which is where
    /// the hold leaves the paused instance's session.
    /// </summary>
    private static async Task WaitForSessionInClientReadAsync(TestStore store)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var waiting = await store.ScalarAsync("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND wait_event = 'ClientRead'
                """);
            if (waiting > 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("no session of the store's database waited for the rest of a statement within 30 s");
    }
}
