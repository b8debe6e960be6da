using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A model as the API returns it (<c>ModelResponse</c>).</summary>
internal sealed record ModelResponse
{
    [JsonPropertyName("id")]
    public required Guid Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("connection_id")]
    public required Guid ConnectionId { get; init; }

    [JsonPropertyName("configuration")]
    public required JsonObject Configuration { get; init; }

    [JsonPropertyName("fields")]
    public required IReadOnlyList<ModelFieldResponse> Fields { get; init; }

    [JsonPropertyName("identifier")]
    public string? Identifier { get; init; }

    [JsonPropertyName("tracking_columns")]
    public required IReadOnlyList<string> TrackingColumns { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyList<JsonObject> Labels { get; init; } = [];

    [JsonPropertyName("policies")]
    public IReadOnlyList<Guid> Policies { get; init; } = [];

    [JsonPropertyName("organization_id")]
    public required Guid OrganizationId { get; init; }

    [JsonPropertyName("version")]
    public required int Version { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonPropertyName("created_by")]
    public required ActorResponse CreatedBy { get; init; }

    [JsonPropertyName("updated_by")]
    public required ActorResponse UpdatedBy { get; init; }
}
