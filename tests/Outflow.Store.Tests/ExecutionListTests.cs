using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class ExecutionListTests(PostgresFixture? postgres)
{
    private const int PageSize = 3;

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Keyset_walk_returns_each_execution_once(bool ascending, bool onlyCompleted)
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var executions = await AddHistoryAsync(store, sync);
        var expected = Order(
            executions.Where(execution => !onlyCompleted || execution.Status.IsTerminal()), ascending);

        var walked = await WalkAsync(store, sync, ascending, onlyCompleted);

        Assert.Equal(expected.Select(execution => execution.Id), walked);
    }

    [Fact]
    public async Task Keyset_walk_ignores_executions_created_during_walk()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var existing = await AddHistoryAsync(store, sync, withUnfinished: false);
        var expected = Order(existing, ascending: false).Select(execution => execution.Id).ToList();

        var walked = new List<Guid>();
        ListCursor? after = null;
        var added = 0;
        while (true)
        {
            var page = await store.Executions.ListAsync(
                sync.OrganizationId, sync.Id, new ExecutionListQuery(false, false, after, PageSize), CancellationToken.None);
            walked.AddRange(page.Select(execution => execution.Id));
            if (page.Count < PageSize)
            {
                break;
            }

            after = CursorOf(page[^1]);

            // Newer executions sort before the cursor of a descending walk, so they must not show up in it.
            await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddHours(1 + added));
            added++;
        }

        Assert.True(added > 0);
        Assert.Equal(expected, walked);
    }

    [Fact]
    public async Task ListAsync_respects_limit()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        await AddHistoryAsync(store, sync);

        var page = await store.Executions.ListAsync(
            sync.OrganizationId, sync.Id, new ExecutionListQuery(false, false, null, 4), CancellationToken.None);

        Assert.Equal(4, page.Count);
    }

    /// <summary>
    /// Adds finished executions in groups that share a start time, one finished without starting, and
    /// optionally a last one still waiting to run.
    /// </summary>
    private static async Task<List<Execution>> AddHistoryAsync(TestStore store, Sync sync, bool withUnfinished = true)
    {
        var executions = new List<Execution>();
        ExecutionStatus[] statuses =
            [ExecutionStatus.Completed, ExecutionStatus.Failed, ExecutionStatus.Canceled, ExecutionStatus.Interrupted];
        for (var group = 0; group < 4; group++)
        {
            for (var i = 0; i < 3; i++)
            {
                var startedAt = TestStore.BaseTime.AddMinutes(group);
                executions.Add(await store.AddFinishedExecutionAsync(sync, startedAt, statuses[(group + i) % statuses.Length]));
            }
        }

        var (neverStarted, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime.AddMinutes(1)), CancellationToken.None);
        await store.Executions.FinishAsync(
            neverStarted.Id, null, ExecutionStatus.Canceled, [], TestStore.BaseTime.AddMinutes(1), CancellationToken.None);
        executions.Add((await store.Executions.GetByIdAsync(neverStarted.Id, CancellationToken.None))!);

        if (withUnfinished)
        {
            var (pending, _) = await store.Executions.CreateIfIdleAsync(
                TestStore.NewExecution(sync, TestStore.BaseTime.AddMinutes(10)), CancellationToken.None);
            executions.Add(pending);
        }

        return executions;
    }

    private static async Task<List<Guid>> WalkAsync(TestStore store, Sync sync, bool ascending, bool onlyCompleted)
    {
        var walked = new List<Guid>();
        ListCursor? after = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await store.Executions.ListAsync(
                sync.OrganizationId, sync.Id, new ExecutionListQuery(onlyCompleted, ascending, after, PageSize), CancellationToken.None);
            Assert.True(page.Count <= PageSize);
            walked.AddRange(page.Select(execution => execution.Id));
            if (page.Count < PageSize)
            {
                return walked;
            }

            after = CursorOf(page[^1]);
        }

        Assert.Fail("the walk did not end after 100 pages");
        return walked;
    }

    private static ListCursor CursorOf(Execution execution) =>
        new((execution.StartedAt ?? execution.CreatedAt).ToUnixTimeMilliseconds(), execution.Id);

    private static List<Execution> Order(IEnumerable<Execution> executions, bool ascending)
    {
        // The store compares ids as lowercase text, byte by byte.
        var ordered = executions
            .OrderBy(execution => (execution.StartedAt ?? execution.CreatedAt).ToUnixTimeMilliseconds())
            .ThenBy(execution => execution.Id.ToString("D"), StringComparer.Ordinal)
            .ToList();
        if (!ascending)
        {
            ordered.Reverse();
        }

        return ordered;
    }
}
