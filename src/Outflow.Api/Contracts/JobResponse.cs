using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A background job as the API returns it (<c>JobResponse</c>).</summary>
internal sealed record JobResponse
{
    [JsonPropertyName("job_id")]
    public required Guid JobId { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The <c>WorkTaskStatus</c>: <c>created</c>, <c>running</c>, <c>done</c> or <c>failed</c>.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>The object the synchronous response's <c>data</c> holds; present only when the job is done.</summary>
    [JsonPropertyName("result")]
    public JsonNode? Result { get; init; }

    /// <summary>The ApiError message of the failure; present only when the job failed.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }
}
