using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.PostgreSql;

/// <summary>A target table and its writable columns, in column order.</summary>
internal sealed record PostgreSqlTable(string Schema, string Name, IReadOnlyList<PostgreSqlColumn> Columns)
{
    private static readonly SyncMode[] IdentityModes =
        [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace, SyncMode.Append, SyncMode.Remove];

    public string ObjectId => PostgreSqlIdentifiers.ToObjectId(Schema, Name);

    public string QuotedName => PostgreSqlIdentifiers.QuoteObject(Schema, Name);

    public PostgreSqlColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

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
            ObjectId,
            ObjectId,
            Columns.Select(c => new TargetFieldInfo(c.Name, c.Name, c.Type, c.RemoteType, c.Required, c.SupportsIdentity)
            {
                Comparison = c.Comparison,
                IdentityProblem = c.IdentityProblem,
            }).ToList(),
            modes);
    }
}
