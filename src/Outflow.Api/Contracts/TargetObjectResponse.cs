using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A target object of Get Target Objects (<c>TargetObject</c>) with the sync modes it supports.</summary>
internal sealed record TargetObjectResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("modes")] List<SupportedModeResponse> Modes);
