using Outflow.Core.Organizations;

namespace Outflow.Hosting;

/// <summary>Creates the <c>default</c> organization and its admin key when the store is empty.</summary>
internal static class Bootstrapper
{
    public const string DefaultOrganization = "default";

    /// <summary>
    /// Returns the generated admin key when one was created without a bootstrap key, so the caller can show
    /// it once. Returns null when the store already had an organization or the bootstrap key was used.
    /// </summary>
    public static async Task<string?> BootstrapAsync(
        IOrganizationStore organizations, string? bootstrapKey, CancellationToken cancellationToken)
    {
        if (!await organizations.IsEmptyAsync(cancellationToken))
        {
            return null;
        }

        var organization = await organizations.GetOrCreateOrganizationAsync(DefaultOrganization, cancellationToken);
        var key = string.IsNullOrWhiteSpace(bootstrapKey) ? ApiKeySecret.Generate() : bootstrapKey;
        await organizations.CreateApiKeyAsync(
            organization.Id, "admin", ApiKeyKind.User, ApiKeySecret.Hash(key), cancellationToken);
        return string.IsNullOrWhiteSpace(bootstrapKey) ? key : null;
    }
}
