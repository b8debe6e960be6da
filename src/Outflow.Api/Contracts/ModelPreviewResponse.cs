using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The model a create request would save, as Preview Model returns it. Nothing is stored, so it has no id,
/// version, timestamps or actors, and its fields have no ids.
/// </summary>
internal sealed record ModelPreviewResponse
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("connection_id")]
    public required Guid ConnectionId { get; init; }

    [JsonPropertyName("configuration")]
    public required JsonObject Configuration { get; init; }

    [JsonPropertyName("fields")]
    public required IReadOnlyList<ModelPreviewFieldResponse> Fields { get; init; }

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
}
