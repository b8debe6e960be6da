using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A model field (<c>ModelField</c>); <see cref="Type"/> is a lowercase field type name.</summary>
internal sealed record ModelFieldResponse
{
    [JsonPropertyName("id")]
    public required Guid Id { get; init; }

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

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }
}
