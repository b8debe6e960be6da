using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The body of Get Target Objects: the objects, and whether the connection can create new ones.</summary>
internal sealed record TargetObjectsEnvelope(
    [property: JsonPropertyName("data")] List<TargetObjectResponse> Data,
    [property: JsonPropertyName("target_creation")] TargetCreatorResponse TargetCreation);
