using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class ExecutionStoreTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task CreateIfIdleAsync_with_unfinished_execution_returns_existing()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (first, firstCreated) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        var (second, secondCreated) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime.AddMinutes(1)), CancellationToken.None);

        Assert.True(firstCreated);
        Assert.False(secondCreated);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM executions"));
    }

    [Fact]
    public async Task CreateIfIdleAsync_after_finish_creates_new()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (first, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        await store.Executions.FinishAsync(
            first.Id, null, ExecutionStatus.Failed, ["source unreachable"], TestStore.BaseTime, CancellationToken.None);

        var (second, created) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime.AddMinutes(1)), CancellationToken.None);

        Assert.True(created);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task CreateIfIdleAsync_concurrent_requests_create_one()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();

        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(() => store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime.AddSeconds(i)), CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, result => result.Created);
        Assert.Single(results.Select(result => result.Execution.Id).Distinct());
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM executions"));
    }

    [Fact]
    public async Task Execution_round_trips_every_field()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var execution = TestStore.NewExecution(sync, TestStore.BaseTime.AddMilliseconds(123));
        execution = new Execution
        {
            Id = execution.Id,
            OrganizationId = execution.OrganizationId,
            SyncId = execution.SyncId,
            Status = ExecutionStatus.Queued,
            Type = ExecutionTypes.Test,
            CreatedAt = execution.CreatedAt,
            Configuration = execution.Configuration,
            Options = new ExecutionOptions(Resync: true, Identities: ["a", "b"], Test: true),
        };
        await store.Executions.CreateIfIdleAsync(execution, CancellationToken.None);

        var stored = await store.Executions.GetAsync(sync.OrganizationId, sync.Id, execution.Id, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Equal(ExecutionStatus.Queued, stored.Status);
        Assert.Equal(ExecutionTypes.Test, stored.Type);
        Assert.Equal(execution.CreatedAt, stored.CreatedAt);
        Assert.Equal(TimeSpan.Zero, stored.CreatedAt.Offset);
        Assert.Null(stored.StartedAt);
        Assert.Null(stored.CompletedAt);
        Assert.Equal(ExecutionCounts.Zero, stored.Counts);
        Assert.Empty(stored.Errors);
        Assert.True(stored.Options.Resync);
        Assert.True(stored.Options.Test);
        Assert.Equal(["a", "b"], stored.Options.Identities);
        Assert.Equal(sync.Configuration.Mode, stored.Configuration.Mode);
        Assert.Equal(sync.Configuration.Identity, stored.Configuration.Identity);
        Assert.False(stored.CancelRequested);
    }

    [Fact]
    public async Task TryClaimAsync_moves_created_to_running_once()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var startedAt = TestStore.BaseTime.AddSeconds(10);

        var first = await store.Executions.TryClaimAsync(
            execution.Id, "host-a:1", TestStore.LeaseDuration, startedAt, CancellationToken.None);
        var second = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, startedAt.AddSeconds(1), CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.Claimed, first.Status);
        Assert.NotNull(first.LeaseToken);
        Assert.Equal(ExecutionClaimStatus.HeldElsewhere, second.Status);
        Assert.Null(second.LeaseToken);
        Assert.Equal(startedAt + TestStore.LeaseDuration, second.HeldUntil);
        Assert.Equal("host-a:1", second.HeldBy);

        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Running, stored!.Status);
        Assert.Equal(startedAt, stored.StartedAt);
        Assert.Equal(
            startedAt.ToUnixTimeMilliseconds(),
            await store.ScalarAsync($"SELECT sort_key FROM executions WHERE id = '{execution.Id}'"));
    }

    [Fact]
    public async Task RequeueAsync_keeps_counts_and_first_start()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var startedAt = TestStore.BaseTime.AddSeconds(10);
        var token = await store.ClaimAsync(execution.Id, startedAt);
        await store.State.CheckpointAsync(sync.Id, execution.Id, token, [], new ExecutionCounts(Total: 3, Insert: 3), CancellationToken.None);

        Assert.True(await store.Executions.RequeueAsync(execution.Id, token, CancellationToken.None));
        var queued = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        var restarted = await store.Executions.TryClaimAsync(
            execution.Id, "test-host:1", TestStore.LeaseDuration, startedAt.AddSeconds(1), CancellationToken.None);
        var running = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(ExecutionStatus.Queued, queued!.Status);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3), queued.Counts);
        Assert.Equal(ExecutionClaimStatus.Claimed, restarted.Status);
        Assert.Equal(startedAt, running!.StartedAt);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3), running.Counts);
    }

    [Fact]
    public async Task RequestCancelAsync_flags_unfinished_and_rejects_terminal()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var token = await store.ClaimAsync(execution.Id, TestStore.BaseTime);

        Assert.False(await store.Executions.IsCancelRequestedAsync(execution.Id, CancellationToken.None));
        Assert.True(await store.Executions.RequestCancelAsync(execution.Id, CancellationToken.None));
        Assert.True(await store.Executions.IsCancelRequestedAsync(execution.Id, CancellationToken.None));
        Assert.Equal(ExecutionStatus.Canceling, (await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Status);

        await store.Executions.FinishAsync(execution.Id, token, ExecutionStatus.Canceled, [], TestStore.BaseTime, CancellationToken.None);
        Assert.False(await store.Executions.RequestCancelAsync(execution.Id, CancellationToken.None));
    }

    [Fact]
    public async Task IsCancelRequestedAsync_missing_execution_returns_true()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        Assert.True(await store.Executions.IsCancelRequestedAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task FinishAsync_sets_terminal_status_once()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var completedAt = TestStore.BaseTime.AddMinutes(2);

        await store.Executions.FinishAsync(
            execution.Id, null, ExecutionStatus.Failed, ["target table is gone"], completedAt, CancellationToken.None);
        await store.Executions.FinishAsync(execution.Id, null, ExecutionStatus.Completed, [], completedAt.AddMinutes(1), CancellationToken.None);
        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(ExecutionStatus.Failed, stored!.Status);
        Assert.Equal(completedAt, stored.CompletedAt);
        Assert.Equal(["target table is gone"], stored.Errors);
        Assert.Null(await store.Executions.GetCurrentAsync(organization.Id, sync.Id, CancellationToken.None));
        Assert.Equal(execution.Id, (await store.Executions.GetLastFinishedAsync(organization.Id, sync.Id, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task FinishAsync_non_terminal_status_throws()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        await Assert.ThrowsAsync<ArgumentException>(() => store.Executions.FinishAsync(
            Guid.NewGuid(), null, ExecutionStatus.Running, [], TestStore.BaseTime, CancellationToken.None));
    }

    [Fact]
    public async Task GetLastFinishedAsync_returns_newest_terminal()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, _, _, sync) = await store.AddSyncWithParentsAsync();
        await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddMinutes(1));
        var newest = await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddMinutes(2), ExecutionStatus.Failed);
        var (current, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime.AddMinutes(3)), CancellationToken.None);

        Assert.Equal(newest.Id, (await store.Executions.GetLastFinishedAsync(organization.Id, sync.Id, CancellationToken.None))!.Id);
        Assert.Equal(current.Id, (await store.Executions.GetCurrentAsync(organization.Id, sync.Id, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task ListUnfinishedAsync_returns_unfinished_oldest_first()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, connection, model, firstSync) = await store.AddSyncWithParentsAsync();
        var secondSync = await store.AddSyncAsync(organization.Id, connection.Id, model.Id);
        var thirdSync = await store.AddSyncAsync(organization.Id, connection.Id, model.Id);
        var (newer, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(firstSync, TestStore.BaseTime.AddMinutes(2)), CancellationToken.None);
        var (older, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(secondSync, TestStore.BaseTime.AddMinutes(1)), CancellationToken.None);
        await store.AddFinishedExecutionAsync(thirdSync, TestStore.BaseTime);

        var unfinished = await store.Executions.ListUnfinishedAsync(CancellationToken.None);

        Assert.Equal([older.Id, newer.Id], unfinished.Select(execution => execution.Id));
    }
}
