using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The body of Test Connection. With <see cref="ConnectionId"/>, <see cref="Configuration"/> is laid over that
/// connection's stored configuration before the test.
/// </summary>
internal sealed record TestConnectionRequest
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("configuration")]
    public JsonObject? Configuration { get; init; }

    [JsonPropertyName("connection_id")]
    public Guid? ConnectionId { get; init; }
}
