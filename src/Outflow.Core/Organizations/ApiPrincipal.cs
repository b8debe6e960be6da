namespace Outflow.Core.Organizations;

/// <summary>
/// The caller behind a valid API key: the key itself and the organization it is scoped to.
/// </summary>
public sealed record ApiPrincipal(Guid KeyId, string KeyName, ApiKeyKind Kind, Organization Organization)
{
    /// <summary>The actor recorded as <c>created_by</c>/<c>updated_by</c> on objects this caller writes.</summary>
    public Actor ToActor() => Kind == ApiKeyKind.Organization
        ? new Actor(Organization.Id, Organization.Name, "organization")
        : new Actor(KeyId, KeyName, "user");
}
