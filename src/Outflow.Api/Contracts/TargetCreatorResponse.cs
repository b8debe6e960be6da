using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>Whether a connection can create target objects, and the properties a new object needs (<c>TargetCreator</c>).</summary>
internal sealed record TargetCreatorResponse(
    [property: JsonPropertyName("supported")] bool Supported,
    [property: JsonPropertyName("properties")] List<TargetCreateInputResponse> Properties);
