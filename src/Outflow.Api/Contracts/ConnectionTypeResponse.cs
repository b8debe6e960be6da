using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A connection type of List Connection Types (<c>ConnectionType</c>).</summary>
internal sealed record ConnectionTypeResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("capabilities")]
    public required ConnectionCapabilities Capabilities { get; init; }

    [JsonPropertyName("configurationForm")]
    public required ConnectionForm ConfigurationForm { get; init; }

    [JsonPropertyName("initialConfiguration")]
    public JsonObject? InitialConfiguration { get; init; }
}
