namespace Outflow.Core.Organizations;

/// <summary>Organizations and their API keys.</summary>
public interface IOrganizationStore
{
    /// <summary>Returns true when the store has no organization yet (first start).</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Returns the organization with this name, creating it when it does not exist.</summary>
    Task<Organization> GetOrCreateOrganizationAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores a new key by its SHA-256 hash and returns the key's id.</summary>
    Task<Guid> CreateApiKeyAsync(
        Guid organizationId, string name, ApiKeyKind kind, byte[] keyHash, CancellationToken cancellationToken);

    /// <summary>Finds the caller of a key that is not revoked, by the key's SHA-256 hash.</summary>
    Task<ApiPrincipal?> FindByKeyHashAsync(byte[] keyHash, CancellationToken cancellationToken);
}
