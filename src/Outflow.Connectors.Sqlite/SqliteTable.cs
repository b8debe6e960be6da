using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.Sqlite;

/// <summary>A target table and its writable columns, in column order.</summary>
internal sealed record SqliteTable(string Name, IReadOnlyList<SqliteColumn> Columns)
{
    private static readonly SyncMode[] IdentityModes = [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace];

    public SqliteColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>Describes the table; the modes are offered only when some column can identify records.</summary>
    public TargetObjectInfo ToObjectInfo() =>
        new(
            Name,
            Name,
            Columns.Select(c => new TargetFieldInfo(c.Name, c.Name, c.Type, c.DeclaredType, c.Required, c.SupportsIdentity)).ToList(),
            Columns.Any(c => c.SupportsIdentity) ? IdentityModes : []);
}
