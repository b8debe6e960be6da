using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class ModelStoreTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task Model_round_trips_fields_and_tracking_columns()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var connection = await store.AddConnectionAsync(organization.Id);
        var model = await store.AddModelAsync(organization.Id, connection.Id);

        var stored = await store.Models.GetAsync(organization.Id, model.Id, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.Equal(model.Fields, stored.Fields);
        Assert.Equal(FieldType.Number, stored.Fields[0].Type);
        Assert.Equal(["email"], stored.TrackingColumns);
        Assert.Equal("id", stored.Identifier);
        Assert.Equal(model.Configuration.ToJsonString(), stored.Configuration.ToJsonString());
        Assert.Equal(1, stored.Version);
        Assert.Equal(TestStore.TestActor, stored.UpdatedBy);
    }

    [Fact]
    public async Task ListAsync_orders_by_updated_at_descending()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var connection = await store.AddConnectionAsync(organization.Id);
        var older = await store.AddModelAsync(organization.Id, connection.Id, TestStore.BaseTime);
        var newer = await store.AddModelAsync(organization.Id, connection.Id, TestStore.BaseTime.AddMinutes(1));
        older.UpdatedAt = TestStore.BaseTime.AddMinutes(2);
        older.Version = 2;
        older.Name = "renamed";
        await store.Models.UpdateAsync(older, CancellationToken.None);

        var models = await store.Models.ListAsync(organization.Id, CancellationToken.None);

        Assert.Equal([older.Id, newer.Id], models.Select(model => model.Id));
        Assert.Equal(2, models[0].Version);
        Assert.Equal("renamed", models[0].Name);
    }
}
