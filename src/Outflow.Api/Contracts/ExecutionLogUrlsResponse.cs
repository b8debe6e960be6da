using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>Signed download URLs of log files (<c>ExecutionLogResponse</c>) and the instant they stop working.</summary>
internal sealed record ExecutionLogUrlsResponse(
    [property: JsonPropertyName("urls")] IReadOnlyList<string> Urls,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires);
