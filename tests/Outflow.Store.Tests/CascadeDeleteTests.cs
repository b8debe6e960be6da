using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class CascadeDeleteTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task Sync_delete_removes_executions_state_and_links()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, connection, model, sync) = await store.AddSyncWithParentsAsync();
        var keep = await store.AddSyncAsync(organization.Id, connection.Id, model.Id);
        await AddRunWithStateAsync(store, sync);
        await AddRunWithStateAsync(store, keep);

        await store.Syncs.DeleteAsync(organization.Id, sync.Id, CancellationToken.None);

        Assert.Null(await store.Syncs.GetAsync(organization.Id, sync.Id, CancellationToken.None));
        Assert.Equal(0, await CountForSyncAsync(store, sync.Id));
        Assert.Equal(7, await CountForSyncAsync(store, keep.Id));
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM execution_console_log"));
        Assert.NotNull(await store.Models.GetAsync(organization.Id, model.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Connection_delete_removes_dependents()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var source = await store.AddConnectionAsync(organization.Id, "source");
        var target = await store.AddConnectionAsync(organization.Id, "target");
        var unrelated = await store.AddConnectionAsync(organization.Id, "unrelated");
        var sourceModel = await store.AddModelAsync(organization.Id, source.Id);
        var unrelatedModel = await store.AddModelAsync(organization.Id, unrelated.Id);
        var readsSource = await store.AddSyncAsync(organization.Id, target.Id, sourceModel.Id);
        var writesSource = await store.AddSyncAsync(organization.Id, source.Id, unrelatedModel.Id);
        var untouched = await store.AddSyncAsync(organization.Id, unrelated.Id, unrelatedModel.Id);
        await AddRunWithStateAsync(store, readsSource);
        await AddRunWithStateAsync(store, writesSource);
        await AddRunWithStateAsync(store, untouched);

        var usage = await store.Connections.GetUsageAsync(organization.Id, source.Id, CancellationToken.None);
        await store.Connections.DeleteAsync(organization.Id, source.Id, CancellationToken.None);

        Assert.Equal([sourceModel.Id], usage.ModelIds);
        Assert.Equal(new[] { readsSource.Id, writesSource.Id }.Order(), usage.SyncIds.Order());
        Assert.Null(await store.Connections.GetAsync(organization.Id, source.Id, CancellationToken.None));
        Assert.Null(await store.Models.GetAsync(organization.Id, sourceModel.Id, CancellationToken.None));
        Assert.Equal(0, await CountForSyncAsync(store, readsSource.Id));
        Assert.Equal(0, await CountForSyncAsync(store, writesSource.Id));
        Assert.Equal(7, await CountForSyncAsync(store, untouched.Id));
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM execution_console_log"));
        Assert.NotNull(await store.Connections.GetAsync(organization.Id, target.Id, CancellationToken.None));
        Assert.NotNull(await store.Models.GetAsync(organization.Id, unrelatedModel.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Connection_without_usage_deletes_alone()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var connection = await store.AddConnectionAsync(organization.Id);

        Assert.True((await store.Connections.GetUsageAsync(organization.Id, connection.Id, CancellationToken.None)).IsEmpty);
        await store.Connections.DeleteAsync(organization.Id, connection.Id, CancellationToken.None);

        Assert.Empty(await store.Connections.ListAsync(organization.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Model_delete_keeps_syncs_that_use_it()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, _, model, sync) = await store.AddSyncWithParentsAsync();

        Assert.Equal([sync.Id], await store.Models.ListSyncIdsUsingAsync(organization.Id, model.Id, CancellationToken.None));
        await store.Models.DeleteAsync(organization.Id, model.Id, CancellationToken.None);

        Assert.Null(await store.Models.GetAsync(organization.Id, model.Id, CancellationToken.None));
        var kept = await store.Syncs.GetAsync(organization.Id, sync.Id, CancellationToken.None);
        Assert.NotNull(kept);
        Assert.Equal(model.Id, kept.Configuration.Identity!.Source!.ModelId);
    }

    private static async Task AddRunWithStateAsync(TestStore store, Sync sync)
    {
        var execution = await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddMinutes(1));
        await store.State.CheckpointAsync(
            sync.Id, execution.Id, null, [new StateChange(1, "a", 1), new StateChange(2, "b", 2)], ExecutionCounts.Zero, CancellationToken.None);
        await store.ConsoleLog.AppendAsync(
            execution.Id, TestStore.BaseTime, ConsoleLogLevels.Info, "execution started", null, CancellationToken.None);
        await store.LogFiles.ReplaceAsync(
            execution.Id,
            null,
            [new ExecutionLogFileContent(new ExecutionLogFile("records", "records-0000.jsonl", 1, 3), () => new MemoryStream("{}\n"u8.ToArray()))],
            CancellationToken.None);
    }

    /// <summary>Counts the rows that belong to a sync across syncs, executions, their console logs and log files, state and links.</summary>
    private static Task<long> CountForSyncAsync(TestStore store, Guid syncId) => store.ScalarAsync($"""
        SELECT (SELECT COUNT(*) FROM syncs WHERE id = '{syncId}')
             + (SELECT COUNT(*) FROM executions WHERE sync_id = '{syncId}')
             + (SELECT COUNT(*) FROM sync_state WHERE sync_id = '{syncId}')
             + (SELECT COUNT(*) FROM sync_models WHERE sync_id = '{syncId}')
             + (SELECT COUNT(*) FROM execution_console_log
                WHERE execution_id IN (SELECT id FROM executions WHERE sync_id = '{syncId}'))
             + (SELECT COUNT(*) FROM execution_log_files
                WHERE execution_id IN (SELECT id FROM executions WHERE sync_id = '{syncId}'))
        """);
}
