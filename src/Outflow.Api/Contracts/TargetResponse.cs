using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>One target object's fields, modes and capabilities (<c>TargetResponse</c>).</summary>
internal sealed record TargetResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("fields")]
    public required List<TargetFieldResponse> Fields { get; init; }

    [JsonPropertyName("modes")]
    public required List<TargetModeResponse> Modes { get; init; }

    [JsonPropertyName("properties")]
    public required DestinationPropertiesResponse Properties { get; init; }

    /// <summary>When the target's schema was read; Outflow reads it on every request, so this is the request's time.</summary>
    [JsonPropertyName("refreshed_at")]
    public required DateTimeOffset RefreshedAt { get; init; }
}
