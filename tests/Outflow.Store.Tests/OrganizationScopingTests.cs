using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class OrganizationScopingTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task Other_organization_sees_nothing()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (owner, connection, model, sync) = await store.AddSyncWithParentsAsync();
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);
        var other = await store.CreateOrganizationAsync();
        var none = CancellationToken.None;

        Assert.Null(await store.Connections.GetAsync(other.Id, connection.Id, none));
        Assert.Empty(await store.Connections.ListAsync(other.Id, none));
        Assert.True((await store.Connections.GetUsageAsync(other.Id, connection.Id, none)).IsEmpty);
        Assert.Null(await store.Models.GetAsync(other.Id, model.Id, none));
        Assert.Empty(await store.Models.ListAsync(other.Id, none));
        Assert.Empty(await store.Models.ListSyncIdsUsingAsync(other.Id, model.Id, none));
        Assert.Null(await store.Syncs.GetAsync(other.Id, sync.Id, none));
        Assert.Empty(await store.Syncs.ListAsync(other.Id, new SyncListFilter(null, null, null), null, 50, none));
        Assert.Null(await store.Executions.GetAsync(other.Id, sync.Id, execution.Id, none));
        Assert.Null(await store.Executions.GetCurrentAsync(other.Id, sync.Id, none));
        Assert.Empty(await store.Executions.ListAsync(other.Id, sync.Id, new ExecutionListQuery(false, false, null, 50), none));

        // The owner still sees everything, so the checks above fail for the right reason.
        Assert.NotNull(await store.Connections.GetAsync(owner.Id, connection.Id, none));
        Assert.NotNull(await store.Models.GetAsync(owner.Id, model.Id, none));
        Assert.NotNull(await store.Syncs.GetAsync(owner.Id, sync.Id, none));
        Assert.NotNull(await store.Executions.GetAsync(owner.Id, sync.Id, execution.Id, none));
    }

    [Fact]
    public async Task Execution_of_other_sync_is_not_found()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, connection, model, sync) = await store.AddSyncWithParentsAsync();
        var otherSync = await store.AddSyncAsync(organization.Id, connection.Id, model.Id);
        var (execution, _) = await store.Executions.CreateIfIdleAsync(
            TestStore.NewExecution(sync, TestStore.BaseTime), CancellationToken.None);

        Assert.Null(await store.Executions.GetAsync(organization.Id, otherSync.Id, execution.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Other_organization_cannot_delete_or_update()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (owner, connection, model, sync) = await store.AddSyncWithParentsAsync();
        var other = await store.CreateOrganizationAsync();
        var none = CancellationToken.None;

        await store.Syncs.DeleteAsync(other.Id, sync.Id, none);
        await store.Models.DeleteAsync(other.Id, model.Id, none);
        await store.Connections.DeleteAsync(other.Id, connection.Id, none);
        var foreignUpdate = new Core.Connections.Connection
        {
            Id = connection.Id,
            OrganizationId = other.Id,
            Name = "taken over",
            Type = connection.Type,
            Configuration = [],
            CreatedAt = connection.CreatedAt,
            UpdatedAt = connection.UpdatedAt,
            CreatedBy = connection.CreatedBy,
            UpdatedBy = connection.UpdatedBy,
        };
        var error = await Assert.ThrowsAsync<OutflowException>(() => store.Connections.UpdateAsync(foreignUpdate, none));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal("warehouse", (await store.Connections.GetAsync(owner.Id, connection.Id, none))!.Name);
        Assert.NotNull(await store.Models.GetAsync(owner.Id, model.Id, none));
        Assert.NotNull(await store.Syncs.GetAsync(owner.Id, sync.Id, none));
    }

    [Fact]
    public async Task CreateIfIdleAsync_for_sync_of_other_organization_throws_not_found()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        var other = await store.CreateOrganizationAsync();
        var foreign = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = other.Id,
            SyncId = sync.Id,
            Status = ExecutionStatus.Created,
            Type = ExecutionTypes.Manual,
            CreatedAt = TestStore.BaseTime,
            Configuration = sync.Configuration,
        };

        var error = await Assert.ThrowsAsync<OutflowException>(
            () => store.Executions.CreateIfIdleAsync(foreign, CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM executions"));
    }
}
