using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The caller behind an API key (<c>GetIdentityResponseSchema</c>); <see cref="Id"/> is set for user keys only.</summary>
internal sealed record IdentityResponse
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("organization_id")]
    public required Guid OrganizationId { get; init; }

    [JsonPropertyName("organization_name")]
    public required string OrganizationName { get; init; }

    [JsonPropertyName("is_user")]
    public required bool IsUser { get; init; }

    [JsonPropertyName("is_organization")]
    public required bool IsOrganization { get; init; }

    [JsonPropertyName("is_partner")]
    public bool IsPartner { get; init; }

    [JsonPropertyName("is_system")]
    public bool IsSystem { get; init; }
}
