using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A field of a previewed model: a <c>ModelField</c> without the id and timestamp a saved field gets.</summary>
internal sealed record ModelPreviewFieldResponse
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("label")]
    public required string Label { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("remote_type")]
    public required string RemoteType { get; init; }

    [JsonPropertyName("user_added")]
    public required bool UserAdded { get; init; }
}
