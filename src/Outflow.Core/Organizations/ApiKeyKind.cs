namespace Outflow.Core.Organizations;

public enum ApiKeyKind
{
    /// <summary>A user API key, sent as <c>Authorization: Bearer</c>.</summary>
    User,

    /// <summary>An organization-scoped key, usually sent with HTTP Basic authentication.</summary>
    Organization,
}
