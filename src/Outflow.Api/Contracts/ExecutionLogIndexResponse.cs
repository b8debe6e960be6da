using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>Every log file of one execution.</summary>
internal sealed record ExecutionLogIndexResponse(
    [property: JsonPropertyName("files")] IReadOnlyList<ExecutionLogFileResponse> Files);
