using Outflow.Core.Organizations;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class OrganizationStoreTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task IsEmptyAsync_turns_false_after_first_organization()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        Assert.True(await store.Organizations.IsEmptyAsync(CancellationToken.None));
        await store.CreateOrganizationAsync("default");
        Assert.False(await store.Organizations.IsEmptyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetOrCreateOrganizationAsync_same_name_returns_same_organization()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        var first = await store.Organizations.GetOrCreateOrganizationAsync("default", CancellationToken.None);
        var second = await store.Organizations.GetOrCreateOrganizationAsync("default", CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(TimeSpan.Zero, first.CreatedAt.Offset);
        Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM organizations"));
    }

    [Fact]
    public async Task FindByKeyHashAsync_returns_principal_for_stored_key()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync("default");
        var key = ApiKeySecret.Generate();
        var keyId = await store.Organizations.CreateApiKeyAsync(
            organization.Id, "admin", ApiKeyKind.Organization, ApiKeySecret.Hash(key), CancellationToken.None);

        var principal = await store.Organizations.FindByKeyHashAsync(ApiKeySecret.Hash(key), CancellationToken.None);

        Assert.NotNull(principal);
        Assert.Equal(keyId, principal.KeyId);
        Assert.Equal("admin", principal.KeyName);
        Assert.Equal(ApiKeyKind.Organization, principal.Kind);
        Assert.Equal(organization, principal.Organization);
    }

    [Fact]
    public async Task FindByKeyHashAsync_unknown_or_revoked_key_returns_null()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var key = ApiKeySecret.Generate();
        var keyId = await store.Organizations.CreateApiKeyAsync(
            organization.Id, "user key", ApiKeyKind.User, ApiKeySecret.Hash(key), CancellationToken.None);

        Assert.Null(await store.Organizations.FindByKeyHashAsync(ApiKeySecret.Hash("unknown"), CancellationToken.None));
        Assert.Equal(ApiKeyKind.User, (await store.Organizations.FindByKeyHashAsync(ApiKeySecret.Hash(key), CancellationToken.None))!.Kind);

        await store.ExecuteAsync($"UPDATE api_keys SET revoked_at = 1 WHERE id = '{keyId}'");
        Assert.Null(await store.Organizations.FindByKeyHashAsync(ApiKeySecret.Hash(key), CancellationToken.None));
    }
}
