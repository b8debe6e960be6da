using Outflow.Core;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class SyncStoreTests(PostgresFixture? postgres)
{
    private static readonly SyncListFilter NoFilter = new(null, null, null);

    [Fact]
    public async Task ListAsync_filters_are_combined()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var first = await store.AddConnectionAsync(organization.Id, "first");
        var second = await store.AddConnectionAsync(organization.Id, "second");
        var model = await store.AddModelAsync(organization.Id, first.Id);
        var activeUpsertFirst = await store.AddSyncAsync(organization.Id, first.Id, model.Id, SyncMode.UpdateOrCreate, active: true);
        var inactiveUpsertFirst = await store.AddSyncAsync(organization.Id, first.Id, model.Id, SyncMode.UpdateOrCreate, active: false);
        var activeReplaceFirst = await store.AddSyncAsync(organization.Id, first.Id, model.Id, SyncMode.Replace, active: true);
        var activeUpsertSecond = await store.AddSyncAsync(organization.Id, second.Id, model.Id, SyncMode.UpdateOrCreate, active: true);

        Assert.Equal(
            Sorted(activeUpsertFirst, activeReplaceFirst, activeUpsertSecond),
            await ListIdsAsync(store, organization.Id, new SyncListFilter(true, null, null)));
        Assert.Equal(
            Sorted(inactiveUpsertFirst),
            await ListIdsAsync(store, organization.Id, new SyncListFilter(false, null, null)));
        Assert.Equal(
            Sorted(activeReplaceFirst),
            await ListIdsAsync(store, organization.Id, new SyncListFilter(null, SyncMode.Replace, null)));
        Assert.Equal(
            Sorted(activeUpsertSecond),
            await ListIdsAsync(store, organization.Id, new SyncListFilter(null, null, second.Id)));
        Assert.Equal(
            Sorted(activeUpsertFirst),
            await ListIdsAsync(store, organization.Id, new SyncListFilter(true, SyncMode.UpdateOrCreate, first.Id)));
        Assert.Empty(await ListIdsAsync(store, organization.Id, new SyncListFilter(false, SyncMode.Replace, null)));
    }

    [Fact]
    public async Task ListActiveAsync_spans_organizations()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var first = await store.CreateOrganizationAsync();
        var second = await store.CreateOrganizationAsync();
        var firstConnection = await store.AddConnectionAsync(first.Id, "first");
        var secondConnection = await store.AddConnectionAsync(second.Id, "second");
        var firstModel = await store.AddModelAsync(first.Id, firstConnection.Id);
        var secondModel = await store.AddModelAsync(second.Id, secondConnection.Id);
        var activeFirst = await store.AddSyncAsync(first.Id, firstConnection.Id, firstModel.Id, SyncMode.UpdateOrCreate, active: true);
        var inactiveFirst = await store.AddSyncAsync(first.Id, firstConnection.Id, firstModel.Id, SyncMode.UpdateOrCreate, active: false);
        var activeSecond = await store.AddSyncAsync(second.Id, secondConnection.Id, secondModel.Id, SyncMode.Replace, active: true);

        var active = await store.Syncs.ListActiveAsync(CancellationToken.None);

        var ids = active.Select(sync => sync.Id).ToList();
        Assert.Contains(activeFirst.Id, ids);
        Assert.Contains(activeSecond.Id, ids);
        Assert.DoesNotContain(inactiveFirst.Id, ids);
        Assert.All(active, sync => Assert.True(sync.Active));
        Assert.Equal(second.Id, active.Single(sync => sync.Id == activeSecond.Id).OrganizationId);
    }

    [Fact]
    public async Task ListAsync_pages_by_updated_at_then_id()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var connection = await store.AddConnectionAsync(organization.Id);
        var model = await store.AddModelAsync(organization.Id, connection.Id);
        var syncs = new List<Sync>();
        for (var i = 0; i < 11; i++)
        {
            // Pairs share an updated_at, so the id decides their order.
            syncs.Add(await store.AddSyncAsync(
                organization.Id, connection.Id, model.Id, updatedAt: TestStore.BaseTime.AddMinutes(i / 2)));
        }

        var expected = syncs
            .OrderByDescending(sync => sync.UpdatedAt)
            .ThenByDescending(sync => sync.Id.ToString("D"), StringComparer.Ordinal)
            .Select(sync => sync.Id)
            .ToList();
        var walked = new List<Guid>();
        ListCursor? after = null;
        while (true)
        {
            var page = await store.Syncs.ListAsync(organization.Id, NoFilter, after, 4, CancellationToken.None);
            Assert.True(page.Count <= 4);
            walked.AddRange(page.Select(sync => sync.Id));
            if (page.Count < 4)
            {
                break;
            }

            after = new ListCursor(page[^1].UpdatedAt.ToUnixTimeMilliseconds(), page[^1].Id);
        }

        Assert.Equal(expected, walked);
    }

    [Fact]
    public async Task UpdateAsync_replaces_configuration_and_model_links()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, connection, model, sync) = await store.AddSyncWithParentsAsync();
        var otherModel = await store.AddModelAsync(organization.Id, connection.Id);
        sync.Configuration = TestStore.NewSyncConfiguration(connection.Id, otherModel.Id, SyncMode.Replace, active: false);
        sync.UpdatedAt = TestStore.BaseTime.AddHours(1);

        await store.Syncs.UpdateAsync(sync, clearState: false, CancellationToken.None);
        var stored = await store.Syncs.GetAsync(organization.Id, sync.Id, CancellationToken.None);

        Assert.Equal(SyncMode.Replace, stored!.Configuration.Mode);
        Assert.False(stored.Active);
        Assert.Equal(sync.UpdatedAt, stored.UpdatedAt);
        Assert.Equal(TestStore.TestActor, stored.CreatedBy);
        Assert.Empty(await store.Models.ListSyncIdsUsingAsync(organization.Id, model.Id, CancellationToken.None));
        Assert.Equal([sync.Id], await store.Models.ListSyncIdsUsingAsync(organization.Id, otherModel.Id, CancellationToken.None));
        Assert.Equal(
            [sync.Id],
            await ListIdsAsync(store, organization.Id, new SyncListFilter(false, SyncMode.Replace, connection.Id)));
    }

    [Fact]
    public async Task UpdateAsync_missing_sync_throws_not_found()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, connection, model, _) = await store.AddSyncWithParentsAsync();
        var missing = new Sync
        {
            Id = Guid.NewGuid(),
            OrganizationId = organization.Id,
            Configuration = TestStore.NewSyncConfiguration(connection.Id, model.Id),
            CreatedAt = TestStore.BaseTime,
            UpdatedAt = TestStore.BaseTime,
            CreatedBy = TestStore.TestActor,
            UpdatedBy = TestStore.TestActor,
        };

        var error = await Assert.ThrowsAsync<OutflowException>(() => store.Syncs.UpdateAsync(missing, clearState: false, CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal(0, await store.ScalarAsync($"SELECT COUNT(*) FROM sync_models WHERE sync_id = '{missing.Id}'"));
    }

    [Fact]
    public async Task Sync_round_trips_configuration()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var (organization, connection, model, _) = await store.AddSyncWithParentsAsync();
        var sync = await store.AddSyncAsync(organization.Id, connection.Id, model.Id, SyncMode.Create, active: false);

        var stored = await store.Syncs.GetAsync(organization.Id, sync.Id, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Equal(sync.Configuration.Name, stored.Configuration.Name);
        Assert.Equal(SyncMode.Create, stored.Configuration.Mode);
        Assert.Equal(sync.Configuration.Target, stored.Configuration.Target);
        Assert.Equal(sync.Configuration.Identity, stored.Configuration.Identity);
        Assert.Equal(sync.Configuration.Fields, stored.Configuration.Fields);
        Assert.Equal(TestStore.BaseTime, stored.CreatedAt);

        // The mode is stored by its wire name, both in the JSON and in the filter column.
        var jsonMode = store.IsPostgreSql ? "configuration::jsonb ->> 'mode'" : "json_extract(configuration, '$.mode')";
        Assert.Equal(1, await store.ScalarAsync(
            $"SELECT COUNT(*) FROM syncs WHERE id = '{sync.Id}' AND {jsonMode} = 'create' AND mode = 'create'"));
    }

    private static List<Guid> Sorted(params Sync[] syncs) =>
        syncs.Select(sync => sync.Id).OrderByDescending(id => id.ToString("D"), StringComparer.Ordinal).ToList();

    private static async Task<List<Guid>> ListIdsAsync(TestStore store, Guid organizationId, SyncListFilter filter)
    {
        var syncs = await store.Syncs.ListAsync(organizationId, filter, null, 50, CancellationToken.None);
        return syncs.Select(sync => sync.Id).ToList();
    }
}
