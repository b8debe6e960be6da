using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>A row filter. <see cref="Field"/> wins over <see cref="FieldId"/> when both are present.</summary>
public sealed record SyncFilter
{
    [JsonPropertyName("function")]
    public string? Function { get; init; }

    [JsonPropertyName("field")]
    public SourceField? Field { get; init; }

    [JsonPropertyName("field_id")]
    public string? FieldId { get; init; }

    /// <summary><c>Model</c> or <c>Target</c>.</summary>
    [JsonPropertyName("field_type")]
    public string? FieldType { get; init; }

    [JsonPropertyName("value")]
    public JsonNode? Value { get; init; }

    [JsonPropertyName("label")]
    public string? Label { get; init; }
}
