using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The body of Create Connection and Update Connection. <see cref="Type"/> is required on create and optional
/// on update; <see cref="Validate"/> defaults to true. Other documented properties are accepted and ignored.
/// </summary>
internal sealed record ConnectionRequest
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("configuration")]
    public JsonObject? Configuration { get; init; }

    [JsonPropertyName("validate")]
    public bool? Validate { get; init; }
}
