using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>A conditional value replacement. <see cref="FieldId"/> wins over <see cref="Field"/> when both are present.</summary>
public sealed record SyncOverride
{
    private readonly JsonNode? _override;

    [JsonPropertyName("field")]
    public SourceField? Field { get; init; }

    [JsonPropertyName("field_id")]
    public string? FieldId { get; init; }

    [JsonPropertyName("function")]
    public string? Function { get; init; }

    [JsonPropertyName("value")]
    public JsonNode? Value { get; init; }

    /// <summary>The replacement; JSON null clears the field.</summary>
    [JsonPropertyName("override")]
    public JsonNode? Override
    {
        get => _override;
        init
        {
            _override = value;
            HasOverride = true;
        }
    }

    /// <summary>
    /// Whether the request set <see cref="Override"/>, to null included. The serializer calls the setter only for
    /// properties present in the JSON, so a missing replacement is distinguished from a null one.
    /// </summary>
    [JsonIgnore]
    public bool HasOverride { get; private init; }
}
