using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>A model field reference (the wire's <c>Source</c>): the model id and the field's name.</summary>
public sealed record SourceField
{
    [JsonPropertyName("model_id")]
    public Guid ModelId { get; init; }

    [JsonPropertyName("field")]
    public string? Field { get; init; }
}
