using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A user-defined model field (<c>ModelModelFieldRequest</c>); <see cref="Type"/> is a field type name.</summary>
internal sealed record ModelFieldRequest
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("label")]
    public string? Label { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("example")]
    public string? Example { get; init; }
}
