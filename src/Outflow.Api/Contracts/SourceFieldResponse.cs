using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// A field that a source configuration would give a model (<c>ModelField</c> without <c>id</c>, because nothing is
/// saved); <see cref="Type"/> is a lowercase field type name.
/// </summary>
internal sealed record SourceFieldResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("remote_type")] string RemoteType,
    [property: JsonPropertyName("user_added")] bool UserAdded);
