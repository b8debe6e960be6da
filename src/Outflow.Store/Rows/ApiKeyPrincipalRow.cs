namespace Outflow.Store.Rows;

/// <summary>An API key joined with its organization, as read by Dapper.</summary>
internal sealed class ApiKeyPrincipalRow
{
    public string KeyId { get; set; } = "";

    public string KeyName { get; set; } = "";

    public string Kind { get; set; } = "";

    public string OrganizationId { get; set; } = "";

    public string OrganizationName { get; set; } = "";

    public long OrganizationCreatedAt { get; set; }
}
