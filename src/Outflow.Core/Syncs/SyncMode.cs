using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>How a sync writes records (the wire's <c>ModelsyncSyncTargetMode</c>).</summary>
[JsonConverter(typeof(SyncModeJsonConverter))]
public enum SyncMode
{
    Create,
    Update,
    UpdateOrCreate,
    Replace,
    Append,
    Remove,
    Snapshot,
}
