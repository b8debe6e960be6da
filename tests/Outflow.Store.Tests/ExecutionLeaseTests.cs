using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>
/// Claims, renewals and the writes that a lease token fences. Runs on both back ends through the derived classes in
/// Sqlite/ and PostgreSql/.
/// </summary>
public abstract class ExecutionLeaseTests(PostgresFixture? postgres)
{
    private static readonly DateTimeOffset Claimed = TestStore.BaseTime.AddSeconds(10);

    private static readonly DateTimeOffset AfterExpiry = Claimed + TestStore.LeaseDuration + TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task TryClaimAsync_live_lease_is_held_elsewhere()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var token = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");

        var atExpiry = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, Claimed + TestStore.LeaseDuration, CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.HeldElsewhere, atExpiry.Status);
        Assert.Equal(Claimed + TestStore.LeaseDuration, atExpiry.HeldUntil);
        Assert.Equal("host-a:1", atExpiry.HeldBy);
        Assert.True(await store.Executions.RenewLeaseAsync(
            execution.Id, token, Claimed.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_expired_lease_is_taken_over()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var oldToken = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");

        var takeover = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);
        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);
        Assert.NotEqual(oldToken, takeover.LeaseToken);
        Assert.Equal(ExecutionStatus.Running, stored!.Status);
        Assert.Equal(Claimed, stored.StartedAt);
        Assert.False(await store.Executions.RenewLeaseAsync(execution.Id, oldToken, AfterExpiry.AddMinutes(1), CancellationToken.None));
        Assert.True(await store.Executions.RenewLeaseAsync(
            execution.Id, takeover.LeaseToken!, AfterExpiry.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_expired_canceling_stays_canceling()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        await store.ClaimAsync(execution.Id, Claimed);
        Assert.True(await store.Executions.RequestCancelAsync(execution.Id, CancellationToken.None));

        var takeover = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);
        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.Claimed, takeover.Status);
        Assert.Equal(ExecutionStatus.Canceling, stored!.Status);
        Assert.True(stored.CancelRequested);
    }

    [Fact]
    public async Task TryClaimAsync_canceled_unstarted_not_startable()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        Assert.True(await store.Executions.RequestCancelAsync(execution.Id, CancellationToken.None));

        var claim = await store.Executions.TryClaimAsync(
            execution.Id, "host-a:1", TestStore.LeaseDuration, Claimed, CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.NotStartable, claim.Status);
        Assert.True(await store.Executions.FinishAsync(
            execution.Id, null, ExecutionStatus.Canceled, [], Claimed, CancellationToken.None));
    }

    [Fact]
    public async Task TryClaimAsync_finished_or_missing_not_startable()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var token = await store.ClaimAsync(execution.Id, Claimed);
        Assert.True(await store.Executions.FinishAsync(
            execution.Id, token, ExecutionStatus.Completed, [], Claimed, CancellationToken.None));

        var finished = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);
        var missing = await store.Executions.TryClaimAsync(
            Guid.NewGuid(), "host-b:2", TestStore.LeaseDuration, AfterExpiry, CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.NotStartable, finished.Status);
        Assert.Equal(ExecutionClaimStatus.NotStartable, missing.Status);
        Assert.False(await store.Executions.RenewLeaseAsync(execution.Id, token, AfterExpiry, CancellationToken.None));
    }

    [Fact]
    public async Task FinishAsync_with_replaced_token_changes_nothing()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var oldToken = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        await store.ClaimAsync(execution.Id, AfterExpiry, "host-b:2");

        var withOldToken = await store.Executions.FinishAsync(
            execution.Id, oldToken, ExecutionStatus.Failed, ["stale"], AfterExpiry, CancellationToken.None);
        var withoutToken = await store.Executions.FinishAsync(
            execution.Id, null, ExecutionStatus.Canceled, [], AfterExpiry, CancellationToken.None);
        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);

        Assert.False(withOldToken);
        Assert.False(withoutToken);
        Assert.Equal(ExecutionStatus.Running, stored!.Status);
        Assert.Empty(stored.Errors);
        Assert.Null(stored.CompletedAt);
    }

    [Fact]
    public async Task RequeueAsync_with_replaced_token_changes_nothing()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var oldToken = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        var newToken = await store.ClaimAsync(execution.Id, AfterExpiry, "host-b:2");

        Assert.False(await store.Executions.RequeueAsync(execution.Id, oldToken, CancellationToken.None));
        Assert.Equal(ExecutionStatus.Running, (await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Status);
        Assert.True(await store.Executions.RenewLeaseAsync(execution.Id, newToken, AfterExpiry.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task RequeueAsync_releases_lease_for_next_claim()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var token = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");

        Assert.True(await store.Executions.RequeueAsync(execution.Id, token, CancellationToken.None));
        var next = await store.Executions.TryClaimAsync(
            execution.Id, "host-b:2", TestStore.LeaseDuration, Claimed.AddSeconds(1), CancellationToken.None);

        Assert.Equal(ExecutionClaimStatus.Claimed, next.Status);
        Assert.False(await store.Executions.RenewLeaseAsync(execution.Id, token, Claimed.AddMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task CheckpointAsync_with_replaced_token_stores_nothing()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var oldToken = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        await store.State.CheckpointAsync(
            execution.SyncId, execution.Id, oldToken, [new StateChange(1, "a", 10)], new ExecutionCounts(Total: 1, Insert: 1),
            CancellationToken.None);
        var newToken = await store.ClaimAsync(execution.Id, AfterExpiry, "host-b:2");

        await Assert.ThrowsAsync<LeaseLostException>(() => store.State.CheckpointAsync(
            execution.SyncId, execution.Id, oldToken, [new StateChange(2, "b", 20)], new ExecutionCounts(Total: 1, Insert: 1),
            CancellationToken.None));
        await store.State.CheckpointAsync(
            execution.SyncId, execution.Id, newToken, [new StateChange(3, "c", 30)], new ExecutionCounts(Total: 1, Insert: 1),
            CancellationToken.None);

        var stored = await store.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        var state = await store.State.LookupAsync(execution.SyncId, [1, 2, 3], CancellationToken.None);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2), stored!.Counts);
        Assert.Equal([(UInt128)1, 3], state.Keys.Order().ToList());
    }

    [Fact]
    public async Task SetInFlight_with_replaced_token_fails()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var oldToken = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        await store.ClaimAsync(execution.Id, AfterExpiry, "host-b:2");

        await Assert.ThrowsAsync<LeaseLostException>(() => store.State.SetInFlightAsync(
            execution.SyncId, execution.Id, oldToken, 1, [new StateEntry(1, "a", 0)], CancellationToken.None));

        Assert.Equal(0, await store.State.ResolveInFlightAsync(execution.SyncId, CancellationToken.None));
    }

    [Fact]
    public async Task Log_files_of_lost_lease_are_not_stored()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var oldToken = await store.ClaimAsync(execution.Id, Claimed, "host-a:1");
        var newToken = await store.ClaimAsync(execution.Id, AfterExpiry, "host-b:2");
        await store.LogFiles.ReplaceAsync(execution.Id, newToken, [LogFile("records-0000.jsonl", "new owner\n")], CancellationToken.None);

        await Assert.ThrowsAsync<LeaseLostException>(() => store.LogFiles.ReplaceAsync(
            execution.Id, oldToken, [LogFile("records-0000.jsonl", "old owner\n"), LogFile("records-0001.jsonl", "old\n")],
            CancellationToken.None));

        var listed = await store.LogFiles.ListAsync(execution.Id, CancellationToken.None);
        Assert.Equal(["records-0000.jsonl"], listed.Select(file => file.Name));
        var stream = await store.LogFiles.OpenAsync(execution.Id, "records-0000.jsonl", CancellationToken.None);
        await using (stream!)
        {
            using var reader = new StreamReader(stream!);
            Assert.Equal("new owner\n", await reader.ReadToEndAsync());
        }
    }

    private static ExecutionLogFileContent LogFile(string name, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return new ExecutionLogFileContent(new ExecutionLogFile("records", name, 1, bytes.Length), () => new MemoryStream(bytes, writable: false));
    }

    private static async Task<Execution> AddExecutionAsync(TestStore store)
    {
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        return execution;
    }
}
