using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>One entry of the logs index: a log file's type, name, number of lines and size in bytes.</summary>
internal sealed record ExecutionLogFileResponse(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("bytes")] long Bytes);
