using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>
/// Invariants that must hold when two store instances, as two Outflow processes would, share one database.
/// Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.
/// </summary>
public abstract class StoreConcurrencyTests(PostgresFixture? postgres)
{
    private const int Attempts = 16;

    [Fact]
    public async Task CreateIfIdleAsync_from_two_instances_creates_one()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();
        var (_, _, _, sync) = await first.AddSyncWithParentsAsync();

        var attempts = Enumerable.Range(0, Attempts).Select(i => Task.Run(() => (i % 2 == 0 ? first : second)
            .Executions.CreateIfIdleAsync(TestStore.NewExecution(sync, TestStore.BaseTime.AddSeconds(i)), CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, result => result.Created);
        Assert.Single(results.Select(result => result.Execution.Id).Distinct());
        Assert.Equal(1, await first.ScalarAsync("SELECT COUNT(*) FROM executions"));
    }

    [Fact]
    public async Task ConsoleLog_appends_from_two_instances_get_distinct_ids()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();
        var (_, _, _, sync) = await first.AddSyncWithParentsAsync();
        var (execution, _) = await first.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        // Every append uses the same instant, so only the sequence can tell the entries apart.
        var attempts = Enumerable.Range(0, Attempts).Select(i => Task.Run(() => (i % 2 == 0 ? first : second)
            .ConsoleLog.AppendAsync(execution.Id, TestStore.BaseTime, ConsoleLogLevels.Info, $"entry {i}", null, CancellationToken.None)));
        var appended = await Task.WhenAll(attempts);

        var listed = await first.ConsoleLog.ListAsync(execution.Id, null, Attempts, CancellationToken.None);
        Assert.Equal(Attempts, appended.Select(entry => entry.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Attempts).Select(i => (long)i), listed.Select(entry => entry.Id.Sequence));
    }

    [Fact]
    public async Task TryClaimAsync_from_two_instances_claims_once()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();
        var (_, _, _, sync) = await first.AddSyncWithParentsAsync();
        var (execution, _) = await first.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        var attempts = Enumerable.Range(0, Attempts).Select(i => Task.Run(() => (i % 2 == 0 ? first : second)
            .Executions.TryClaimAsync(
                execution.Id, $"host:{i}", TestStore.LeaseDuration, TestStore.BaseTime.AddSeconds(i), CancellationToken.None)));
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, claim => claim.Status == ExecutionClaimStatus.Claimed);
        Assert.Equal(ExecutionStatus.Running, (await second.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task FinishAsync_from_two_instances_applies_one_whole()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();
        var (_, _, _, sync) = await first.AddSyncWithParentsAsync();
        var (execution, _) = await first.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var token = await first.ClaimAsync(execution.Id, TestStore.BaseTime);
        var failedAt = TestStore.BaseTime.AddMinutes(1);
        var canceledAt = TestStore.BaseTime.AddMinutes(2);

        await Task.WhenAll(
            Task.Run(() => first.Executions.FinishAsync(
                execution.Id, token, ExecutionStatus.Failed, ["source unreachable"], failedAt, CancellationToken.None)),
            Task.Run(() => second.Executions.FinishAsync(
                execution.Id, token, ExecutionStatus.Canceled, [], canceledAt, CancellationToken.None)));
        var stored = (await first.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!;

        // Either finish may win, but the status, time and errors must all come from the same one.
        if (stored.Status == ExecutionStatus.Failed)
        {
            Assert.Equal(failedAt, stored.CompletedAt);
            Assert.Equal(["source unreachable"], stored.Errors);
        }
        else
        {
            Assert.Equal(ExecutionStatus.Canceled, stored.Status);
            Assert.Equal(canceledAt, stored.CompletedAt);
            Assert.Empty(stored.Errors);
        }
    }

    [Fact]
    public async Task RequestCancelAsync_racing_finish_stays_consistent()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();
        var (_, _, _, sync) = await first.AddSyncWithParentsAsync();
        var (execution, _) = await first.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var token = await first.ClaimAsync(execution.Id, TestStore.BaseTime);

        var cancel = Task.Run(() => second.Executions.RequestCancelAsync(execution.Id, CancellationToken.None));
        var finish = Task.Run(() => first.Executions.FinishAsync(
            execution.Id, token, ExecutionStatus.Completed, [], TestStore.BaseTime.AddMinutes(1), CancellationToken.None));
        await Task.WhenAll(cancel, finish);
        var stored = (await first.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!;

        // A cancel that lost the race leaves no flag behind. A cancel that won leaves the flag, and the
        // finish still ends the execution.
        Assert.Equal(ExecutionStatus.Completed, stored.Status);
        Assert.Equal(await cancel, stored.CancelRequested);
    }

    [Fact]
    public async Task CheckpointAsync_is_never_seen_half_done()
    {
        const int changes = 2_000;
        await using var writer = await TestStore.CreateAsync(postgres);
        await using var reader = writer.OpenSecondInstance();
        var (_, _, _, sync) = await writer.AddSyncWithParentsAsync();
        var (execution, _) = await writer.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var batch = Enumerable.Range(1, changes)
            .Select(i => new StateChange((UInt128)i, "id-" + i, (UInt128)i))
            .ToList();

        var checkpoint = Task.Run(() => writer.State.CheckpointAsync(
            sync.Id, execution.Id, null, batch, new ExecutionCounts(Total: changes, Insert: changes), CancellationToken.None));
        var observations = new List<(long State, long Total)>();
        do
        {
            // One statement reads both from one snapshot, so it sees the checkpoint either whole or not at all.
            var state = await reader.ScalarAsync($"""
                SELECT (SELECT COUNT(*) FROM sync_state WHERE sync_id = '{sync.Id}') * 1000000
                     + (SELECT count_total FROM executions WHERE id = '{execution.Id}')
                """);
            observations.Add((state / 1_000_000, state % 1_000_000));
        }
        while (!checkpoint.IsCompleted);
        await checkpoint;

        Assert.All(observations, observation => Assert.Equal(observation.State, observation.Total));
        Assert.Equal(changes, (await reader.Executions.GetByIdAsync(execution.Id, CancellationToken.None))!.Counts.Total);
    }

    [Fact]
    public async Task DeleteAsync_racing_create_leaves_nothing()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();
        var (organization, _, _, sync) = await first.AddSyncWithParentsAsync();

        var create = Task.Run(() => second.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None));
        var delete = Task.Run(() => first.Syncs.DeleteAsync(organization.Id, sync.Id, CancellationToken.None));
        await delete;
        try
        {
            await create;
        }
        catch (OutflowException error) when (error.Kind == ErrorKind.NotFound)
        {
            // The delete committed first, so the sync was gone when the create looked for it.
        }

        Assert.Null(await first.Syncs.GetAsync(organization.Id, sync.Id, CancellationToken.None));
        Assert.Equal(0, await first.ScalarAsync($"SELECT COUNT(*) FROM executions WHERE sync_id = '{sync.Id}'"));
    }

    [Fact]
    public async Task GetOrCreateOrganizationAsync_concurrent_returns_one()
    {
        await using var first = await TestStore.CreateAsync(postgres);
        await using var second = first.OpenSecondInstance();

        var attempts = Enumerable.Range(0, Attempts).Select(i => Task.Run(() => (i % 2 == 0 ? first : second)
            .Organizations.GetOrCreateOrganizationAsync("acme", CancellationToken.None)));
        var organizations = await Task.WhenAll(attempts);

        Assert.Single(organizations.Select(organization => organization.Id).Distinct());
        Assert.Equal(1, await first.ScalarAsync("SELECT COUNT(*) FROM organizations"));
    }

    [Fact]
    public async Task MigrateAsync_concurrent_applies_versions_once()
    {
        await using var first = await TestStore.CreateAsync(postgres, migrate: false);
        await using var second = first.OpenSecondInstance();

        await Task.WhenAll(
            Task.Run(() => first.Maintenance.MigrateAsync(CancellationToken.None)),
            Task.Run(() => second.Maintenance.MigrateAsync(CancellationToken.None)));

        var versions = first.IsPostgreSql
            ? Outflow.Store.PostgreSql.PostgreSqlMigrations.All.Count
            : Outflow.Store.Sqlite.SqliteMigrations.All.Count;
        Assert.Equal(versions, await first.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(1, await first.ScalarAsync(first.CountTablesSql("sync_state")));
    }
}
