using Outflow.Core.Syncs;

namespace Outflow.Core.Connectors;

/// <summary>The sync modes that a database table offers as a target, which follow from its columns.</summary>
public static class TableSyncModes
{
    private static readonly SyncMode[] IdentityModes =
        [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace, SyncMode.Append, SyncMode.Remove];

    /// <summary>
    /// Lists the modes of a table with <paramref name="fields"/>, one per column. Every table offers append. The modes
    /// that match records need a field that can identify them, and snapshot needs both snapshot columns.
    /// </summary>
    public static List<SyncMode> For(IReadOnlyCollection<TargetFieldInfo> fields)
    {
        List<SyncMode> modes = fields.Any(f => f.SupportsIdentity) ? [.. IdentityModes] : [SyncMode.Append];
        if (HasField(fields, SnapshotColumns.ExecutionId) && HasField(fields, SnapshotColumns.SnapshotAt))
        {
            modes.Add(SyncMode.Snapshot);
        }

        return modes;
    }

    private static bool HasField(IReadOnlyCollection<TargetFieldInfo> fields, string name) =>
        fields.Any(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}
