using System.Data.Common;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>
/// The one execution per sync and schedule fire time. Runs on both back ends through the derived classes in
/// Sqlite/ and PostgreSql/.
/// </summary>
public abstract class ScheduledExecutionStoreTests(PostgresFixture? postgres)
{
    private static readonly DateTimeOffset FireTime = TestStore.BaseTime.AddMinutes(5).AddMilliseconds(250);

    [Fact]
    public async Task ScheduledFor_round_trips()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, created) = await store.Executions.CreateIfIdleAsync(Scheduled(sync, FireTime), CancellationToken.None);

        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.True(created);
        Assert.NotNull(stored);
        Assert.Equal(FireTime, stored.ScheduledFor);
        Assert.Equal(TimeSpan.Zero, stored.ScheduledFor!.Value.Offset);
    }

    [Fact]
    public async Task Repeated_fire_time_after_finish_returns_first()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (first, _) = await store.Executions.CreateIfIdleAsync(Scheduled(sync, FireTime), CancellationToken.None);
        await store.Executions.FinishAsync(first.Id, null, ExecutionStatus.Completed, [], FireTime.AddMinutes(1), CancellationToken.None);

        var (repeated, repeatedCreated) = await store.Executions.CreateIfIdleAsync(Scheduled(sync, FireTime), CancellationToken.None);

        Assert.False(repeatedCreated);
        Assert.Equal(first.Id, repeated.Id);
        Assert.Equal(ExecutionStatus.Completed, repeated.Status);
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM executions"));
    }

    [Fact]
    public async Task Next_fire_time_after_finish_creates_new()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (first, _) = await store.Executions.CreateIfIdleAsync(Scheduled(sync, FireTime), CancellationToken.None);
        await store.Executions.FinishAsync(first.Id, null, ExecutionStatus.Completed, [], FireTime.AddMinutes(1), CancellationToken.None);

        var (next, created) = await store.Executions.CreateIfIdleAsync(
            Scheduled(sync, FireTime.AddMinutes(5)), CancellationToken.None);

        Assert.True(created);
        Assert.NotEqual(first.Id, next.Id);
        Assert.Equal(FireTime.AddMinutes(5), next.ScheduledFor);
    }

    [Fact]
    public async Task Concurrent_repeated_fire_time_creates_one()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.Executions.CreateIfIdleAsync(
            Scheduled(sync, FireTime), CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, result => result.Created);
        Assert.Single(results.Select(result => result.Execution.Id).Distinct());
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM executions"));
    }

    [Fact]
    public async Task Unique_index_rejects_duplicate_fire_time()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (first, _) = await store.Executions.CreateIfIdleAsync(Scheduled(sync, FireTime), CancellationToken.None);
        await store.Executions.FinishAsync(first.Id, null, ExecutionStatus.Completed, [], FireTime.AddMinutes(1), CancellationToken.None);
        var (second, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, FireTime.AddMinutes(2)), CancellationToken.None);

        var duplicate = $"UPDATE executions SET scheduled_for = {FireTime.ToUnixTimeMilliseconds()} WHERE id = '{second.Id}'";

        await Assert.ThrowsAnyAsync<DbException>(() => store.ExecuteAsync(duplicate));
    }

    [Fact]
    public async Task Manual_executions_share_null_fire_time()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddMinutes(1));
        await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddMinutes(2));

        Assert.Equal(2, await store.ScalarAsync("SELECT COUNT(*) FROM executions WHERE scheduled_for IS NULL"));
    }

    private static Execution Scheduled(Sync sync, DateTimeOffset fireTime) => new()
    {
        Id = Guid.NewGuid(),
        OrganizationId = sync.OrganizationId,
        SyncId = sync.Id,
        Status = ExecutionStatus.Queued,
        Type = ExecutionTypes.Scheduled,
        CreatedAt = fireTime,
        Configuration = sync.Configuration,
        ScheduledFor = fireTime,
    };
}
