using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The body of Create Connection and Update Connection. <see cref="Type"/> is required on create and optional
/// on update; <see cref="Validate"/> defaults to true. The other documented properties are read only to reject
/// wrong JSON types, and are otherwise ignored.
/// </summary>
internal sealed record ConnectionRequest
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("configuration")]
    public JsonObject? Configuration { get; init; }

    [JsonPropertyName("validate")]
    public bool? Validate { get; init; }

    [JsonPropertyName("organization_id")]
    public Guid? OrganizationId { get; init; }

    [JsonPropertyName("policies")]
    public List<Guid>? Policies { get; init; }

    [JsonPropertyName("redirect_url")]
    public string? RedirectUrl { get; init; }

    [JsonPropertyName("healthcheck_interval")]
    public string? HealthcheckInterval { get; init; }

    [JsonPropertyName("reconnect")]
    public bool? Reconnect { get; init; }
}
