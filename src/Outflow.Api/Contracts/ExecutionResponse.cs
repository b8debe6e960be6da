using System.Text.Json.Serialization;
using Outflow.Core.Executions;

namespace Outflow.Api.Contracts;

/// <summary>An execution with its counts and execution-level errors (<c>GetExecutionResponseSchema</c>).</summary>
internal sealed record ExecutionResponse
{
    [JsonPropertyName("id")]
    public required Guid Id { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("started_at")]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonPropertyName("completed_at")]
    public DateTimeOffset? CompletedAt { get; init; }

    [JsonPropertyName("counts")]
    public required ExecutionCountsResponse Counts { get; init; }

    [JsonPropertyName("errors")]
    public required IReadOnlyList<string> Errors { get; init; }

    public static ExecutionResponse From(Execution execution) => new()
    {
        Id = execution.Id,
        Status = execution.Status.ToWire(),
        Type = execution.Type,
        CreatedAt = execution.CreatedAt,
        StartedAt = execution.StartedAt,
        CompletedAt = execution.CompletedAt,
        Counts = ExecutionCountsResponse.From(execution.Counts),
        Errors = execution.Errors,
    };
}
