using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The body of Create Model and Update Model (<c>CreateModelRequest</c>, <c>UpdateModelRequest</c>).
/// <see cref="Refresh"/> is read on update only. Label and policy ids are ignored; relations and enrichers are
/// not supported yet and are rejected when set. All are read so that wrong JSON types get 400.
/// </summary>
internal sealed record ModelRequest
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("connection_id")]
    public Guid? ConnectionId { get; init; }

    [JsonPropertyName("configuration")]
    public JsonObject? Configuration { get; init; }

    [JsonPropertyName("fields")]
    public List<string>? Fields { get; init; }

    [JsonPropertyName("additional_fields")]
    public List<ModelFieldRequest>? AdditionalFields { get; init; }

    [JsonPropertyName("identifier")]
    public string? Identifier { get; init; }

    [JsonPropertyName("tracking_columns")]
    public List<string>? TrackingColumns { get; init; }

    [JsonPropertyName("refresh")]
    public bool? Refresh { get; init; }

    [JsonPropertyName("relations")]
    public List<JsonObject>? Relations { get; init; }

    [JsonPropertyName("enricher")]
    public JsonObject? Enricher { get; init; }

    [JsonPropertyName("labels")]
    public List<Guid>? Labels { get; init; }

    [JsonPropertyName("policies")]
    public List<Guid>? Policies { get; init; }

    [JsonPropertyName("organization_id")]
    public Guid? OrganizationId { get; init; }
}
