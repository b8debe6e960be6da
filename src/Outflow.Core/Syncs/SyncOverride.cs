using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>A conditional value replacement. <see cref="FieldId"/> wins over <see cref="Field"/> when both are present.</summary>
public sealed record SyncOverride
{
    [JsonPropertyName("field")]
    public SourceField? Field { get; init; }

    [JsonPropertyName("field_id")]
    public string? FieldId { get; init; }

    [JsonPropertyName("function")]
    public string? Function { get; init; }

    [JsonPropertyName("value")]
    public JsonNode? Value { get; init; }

    [JsonPropertyName("override")]
    public JsonNode? Override { get; init; }
}
