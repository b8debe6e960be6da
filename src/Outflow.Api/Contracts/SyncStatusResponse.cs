using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// A sync's status: its non-terminal execution, its most recent terminal one, and the next scheduled start
/// (null for a manual schedule or an inactive sync).
/// </summary>
internal sealed record SyncStatusResponse
{
    [JsonPropertyName("current_execution")]
    public ExecutionResponse? CurrentExecution { get; init; }

    [JsonPropertyName("last_execution")]
    public ExecutionResponse? LastExecution { get; init; }

    // Written even when null: clients read a null next_execution_time as "no scheduled start".
    [JsonPropertyName("next_execution_time")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? NextExecutionTime { get; init; }
}
