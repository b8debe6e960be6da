using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The values offered for one source configuration key (<c>SourceMeta</c>). <see cref="RequiresOneOf"/> names the keys
/// this one excludes: exactly one of them may be set.
/// </summary>
internal sealed record SourceMetaItemResponse(
    [property: JsonPropertyName("has_items")] bool HasItems,
    [property: JsonPropertyName("items")] List<string> Items,
    [property: JsonPropertyName("requires_one_of")] List<string> RequiresOneOf);
