using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// A connection with its secrets masked; the union of <c>ConnectionResponseSchema</c> and
/// <c>CreateConnectionResponseSchema</c>.
/// </summary>
internal sealed record ConnectionResponse
{
    [JsonPropertyName("id")]
    public required Guid Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("type")]
    public required ConnectionTypeReference Type { get; init; }

    [JsonPropertyName("configuration")]
    public required JsonObject Configuration { get; init; }

    [JsonPropertyName("organization_id")]
    public required Guid OrganizationId { get; init; }

    [JsonPropertyName("policies")]
    public IReadOnlyList<Guid> Policies { get; init; } = [];

    [JsonPropertyName("saved")]
    public bool Saved { get; init; } = true;

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("status_error")]
    public string? StatusError { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonPropertyName("created_by")]
    public required ActorResponse CreatedBy { get; init; }

    [JsonPropertyName("updated_by")]
    public required ActorResponse UpdatedBy { get; init; }
}
