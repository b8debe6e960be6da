using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The type of a connection as embedded in connection responses (<c>ConnectionTypeSchema</c>).</summary>
internal sealed record ConnectionTypeReference(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name);
