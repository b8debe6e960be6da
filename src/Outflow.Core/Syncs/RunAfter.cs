using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>The syncs whose executions trigger a <c>runafter</c> schedule.</summary>
public sealed record RunAfter
{
    [JsonPropertyName("sync_ids")]
    public List<Guid>? SyncIds { get; init; }

    [JsonPropertyName("bulk_sync_ids")]
    public List<Guid>? BulkSyncIds { get; init; }
}
