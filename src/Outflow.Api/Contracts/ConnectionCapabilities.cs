using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The roles a connection type can play; clients require all four flags.</summary>
internal sealed record ConnectionCapabilities(
    [property: JsonPropertyName("source")] bool Source,
    [property: JsonPropertyName("destination")] bool Destination,
    [property: JsonPropertyName("enrichment")] bool Enrichment,
    [property: JsonPropertyName("orchestration")] bool Orchestration);
