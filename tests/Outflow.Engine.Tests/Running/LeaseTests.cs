using Microsoft.Extensions.Logging.Abstractions;
using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

/// <summary>
/// Execution leases: a runner stops writing once another worker claims its execution, does not start one whose lease
/// is live elsewhere, and <see cref="LeaseKeeper"/> renews on a clock the test controls. A lease lost before a database
/// target's commit rolls the batch back.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class LeaseTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    // A guard that keeps a broken build from hanging the suite. A lost lease is noticed within a second here.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Runner_after_takeover_stops_without_finishing()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await EngineHarness.CreateAsync(
            postgres, batchSize: 2, flakyTarget: flaky, retryBaseDelay: TimeSpan.FromMinutes(30), leaseDuration: TimeSpan.FromSeconds(3));
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");

        // The first batch is written, and the second fails and waits for a retry that only a lost lease can end. The
        // first batch's checkpoint runs beside the second write, so the takeover waits for its counts.
        flaky.Reset(failFromCall: 2, failureCount: 100);
        var execution = await harness.CreateExecutionAsync(sync);
        var run = Task.Run(() => harness.Runner.RunAsync(execution.Id, CancellationToken.None));
        await WaitUntilAsync(async () => flaky.WriteCalls >= 2
            && (await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Counts.Insert == 2);

        // A claim as of an hour later finds the lease expired, as another worker would after this one paused.
        var takeover = await harness.Executions.TryClaimAsync(
            execution.Id, "other-host:1", Lease, TimeProvider.System.GetUtcNow().AddHours(1), CancellationToken.None);
        var result = await run.WaitAsync(Guard);

        var stored = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);
        Assert.Equal(ExecutionRunOutcome.LeaseLost, result.Outcome);
        Assert.Equal(ExecutionStatus.Running, stored!.Status);
        Assert.Null(stored.CompletedAt);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), stored.Counts);
        Assert.Equal(2, flaky.WriteCalls);
        Assert.Equal([1L, 2L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
        Assert.True(await harness.Executions.RenewLeaseAsync(
            execution.Id, takeover.LeaseToken!, TimeProvider.System.GetUtcNow().AddHours(2), CancellationToken.None));
    }

    [Fact]
    public async Task Runner_gives_target_lease_check()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await EngineHarness.CreateAsync(postgres, batchSize: 2, flakyTarget: flaky);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");
        var execution = await harness.CreateExecutionAsync(sync);

        var result = await harness.Runner.RunAsync(execution.Id, CancellationToken.None).WaitAsync(Guard);

        var stored = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionRunOutcome.Ended, result.Outcome);
        Assert.Equal(ExecutionStatus.Completed, stored!.Status);
        Assert.Equal(2, flaky.Batches.Count);
        Assert.All(flaky.Batches, batch => Assert.NotNull(batch.BeforeCommit));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lease_check_before_commit_rolls_batch_back(bool recordsAreNew)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres);
        var (clock, keeper, executionId) = await ClaimAsync(harness);
        await using var _ = keeper;
        await harness.ExecuteTargetAsync("CREATE TABLE written (id bigint PRIMARY KEY, name text)");
        var environment = new ConnectorEnvironment(harness.Root) { AllowPrivateNetworks = true };
        await using var target = new PostgreSqlConnectorFactory().CreateTarget(harness.TargetDatabase!.Configuration, environment);
        var takeover = await harness.Executions.TryClaimAsync(
            executionId, "other-host:1", Lease, clock.Start + Lease + TimeSpan.FromSeconds(1), CancellationToken.None);

        // The worker resumes from a pause of more than half a lease after its lease check before the write, so the
        // check before the commit renews, finds the other worker's token and throws.
        clock.Advance(Lease / 2 + TimeSpan.FromSeconds(1));
        var batch = new WriteBatch("public.written", "id", ["name"], [new TargetRecord(RecordOperation.Upsert, 1L, ["Ada"])])
        {
            BeforeCommit = keeper.EnsureHeldAsync,
            RecordsAreNew = recordsAreNew,
        };

        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);
        await Assert.ThrowsAsync<LeaseLostException>(() => target.WriteAsync(batch, CancellationToken.None));
        Assert.Empty(await harness.QueryTargetIdsAsync("SELECT id FROM written"));
    }

    [Fact]
    public async Task Failure_after_takeover_not_reported()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await EngineHarness.CreateAsync(postgres, batchSize: 2, flakyTarget: flaky);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");
        var execution = await harness.CreateExecutionAsync(sync);

        // Another worker claims the execution while the first write is in flight, and the write then fails, the way a
        // target session that the server ended during a pause does.
        flaky.Reset(loseResultOfCall: 1);
        flaky.AfterWrite = _ => harness.Executions
            .TryClaimAsync(execution.Id, "other-host:1", Lease, TimeProvider.System.GetUtcNow().AddHours(1), CancellationToken.None)
            .GetAwaiter().GetResult();
        var result = await harness.Runner.RunAsync(execution.Id, CancellationToken.None).WaitAsync(Guard);
        var entries = await harness.ConsoleLog.ListAsync(execution.Id, null, 100, CancellationToken.None);

        Assert.Equal(ExecutionRunOutcome.LeaseLost, result.Outcome);
        Assert.DoesNotContain(entries, entry => entry.Message.Contains("internal error", StringComparison.Ordinal));
        Assert.Equal(ExecutionStatus.Running, (await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Runner_with_live_lease_elsewhere_does_not_start()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");
        var execution = await harness.CreateExecutionAsync(sync);
        var claimedAt = TimeProvider.System.GetUtcNow();
        var other = await harness.Executions.TryClaimAsync(execution.Id, "other-host:1", Lease, claimedAt, CancellationToken.None);

        var result = await harness.Runner.RunAsync(execution.Id, CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.Claimed, other.Status);
        Assert.Equal(ExecutionRunOutcome.HeldElsewhere, result.Outcome);
        Assert.Equal(claimedAt.ToUnixTimeMilliseconds(), (result.HeldUntil - Lease)?.ToUnixTimeMilliseconds());
        Assert.Empty(await harness.QueryTargetIdsAsync("SELECT id FROM people"));
        Assert.Equal(ExecutionStatus.Running, (await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task EnsureHeldAsync_within_half_lease_skips_renewal()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres);
        var (clock, keeper, executionId) = await ClaimAsync(harness);
        await using var _ = keeper;

        clock.Advance(Lease / 2);
        await keeper.EnsureHeldAsync(CancellationToken.None);

        Assert.Equal(clock.Start + Lease, await ReadLeaseUntilAsync(harness, executionId, clock));
    }

    [Fact]
    public async Task EnsureHeldAsync_after_half_lease_renews()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres);
        var (clock, keeper, executionId) = await ClaimAsync(harness);
        await using var _ = keeper;

        clock.Advance(Lease / 2 + TimeSpan.FromSeconds(1));
        await keeper.EnsureHeldAsync(CancellationToken.None);

        Assert.False(keeper.IsLost);
        Assert.Equal(clock.GetUtcNow() + Lease, await ReadLeaseUntilAsync(harness, executionId, clock));
    }

    [Fact]
    public async Task EnsureHeldAsync_after_takeover_throws()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres);
        var (clock, keeper, executionId) = await ClaimAsync(harness);
        await using var _ = keeper;
        var takeover = await harness.Executions.TryClaimAsync(
            executionId, "other-host:1", Lease, clock.Start + Lease + TimeSpan.FromSeconds(1), CancellationToken.None);

        clock.Advance(Lease / 2 + TimeSpan.FromSeconds(1));

        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);
        await Assert.ThrowsAsync<LeaseLostException>(() => keeper.EnsureHeldAsync(CancellationToken.None));
        Assert.True(keeper.IsLost);
        Assert.True(keeper.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task EnsureHeldAsync_after_full_lease_throws()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres);
        var (clock, keeper, executionId) = await ClaimAsync(harness);
        await using var _ = keeper;

        // No other worker claimed the execution, but after a whole lease without renewal one might have.
        clock.Advance(Lease + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<LeaseLostException>(() => keeper.EnsureHeldAsync(CancellationToken.None));
        Assert.True(keeper.IsLost);
        Assert.Equal(clock.Start + Lease, await ReadLeaseUntilAsync(harness, executionId, clock));
    }

    /// <summary>Claims a new execution at the clock's start and returns a keeper of that lease, not yet renewing.</summary>
    private static async Task<(ManualClock Clock, LeaseKeeper Keeper, Guid ExecutionId)> ClaimAsync(EngineHarness harness)
    {
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");
        var execution = await harness.CreateExecutionAsync(sync);
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));
        var claimedAt = clock.GetTimestamp();
        var claim = await harness.Executions.TryClaimAsync(execution.Id, "this-host:1", Lease, clock.Start, CancellationToken.None);
        Assert.Equal(ExecutionClaimStatus.Claimed, claim.Status);
        var keeper = new LeaseKeeper(
            harness.Executions, execution.Id, claim.LeaseToken!, Lease, claimedAt, clock, NullLogger.Instance);
        return (clock, keeper, execution.Id);
    }

    /// <summary>Reads the stored lease expiry through a claim that finds the lease live and reports it.</summary>
    private static async Task<DateTimeOffset?> ReadLeaseUntilAsync(EngineHarness harness, Guid executionId, ManualClock clock)
    {
        var probe = await harness.Executions.TryClaimAsync(executionId, "probe:1", Lease, clock.Start, CancellationToken.None);
        Assert.Equal(ExecutionClaimStatus.HeldElsewhere, probe.Status);
        return probe.HeldUntil;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (!await condition())
        {
            await Task.Delay(50, guard.Token);
        }
    }

    /// <summary>A clock that moves only when the test advances it, for both the wall clock and the monotonic one.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks;

        public DateTimeOffset Start { get; } = start;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => Start.AddTicks(Interlocked.Read(ref _ticks));

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
