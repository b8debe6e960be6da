using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.Sqlite;

/// <summary>A target table and its writable columns, in column order.</summary>
internal sealed record SqliteTable(string Name, IReadOnlyList<SqliteColumn> Columns)
{
    private static readonly SyncMode[] IdentityModes =
        [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace, SyncMode.Append, SyncMode.Remove];

    public SqliteColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// Describes the table. Every table offers append; the modes that match records need a column that can identify
    /// them, and snapshot needs both snapshot columns.
    /// </summary>
    public TargetObjectInfo ToObjectInfo()
    {
        List<SyncMode> modes = Columns.Any(c => c.SupportsIdentity) ? [.. IdentityModes] : [SyncMode.Append];
        if (FindColumn(SnapshotColumns.ExecutionId) is not null && FindColumn(SnapshotColumns.SnapshotAt) is not null)
        {
            modes.Add(SyncMode.Snapshot);
        }

        return new(
            Name,
            Name,
            Columns.Select(c => new TargetFieldInfo(c.Name, c.Name, c.Type, c.DeclaredType, c.Required, c.SupportsIdentity)
            {
                Comparison = c.Comparison,
            }).ToList(),
            modes);
    }
}
