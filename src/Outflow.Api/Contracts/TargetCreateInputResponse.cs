using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// A string property needed to create a target object (<c>TargetCreateInput</c>). When <see cref="Enum"/> is true,
/// Get Target Creation Property Values lists its legal values.
/// </summary>
internal sealed record TargetCreateInputResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("enum")] bool Enum);
