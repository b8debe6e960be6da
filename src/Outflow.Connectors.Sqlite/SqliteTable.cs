using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>A target table and its writable columns, in column order.</summary>
internal sealed record SqliteTable(string Name, IReadOnlyList<SqliteColumn> Columns)
{
    public SqliteColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>Describes the table with its columns and the sync modes that <see cref="TableSyncModes"/> allows for them.</summary>
    public TargetObjectInfo ToObjectInfo()
    {
        var fields = Columns.Select(c => new TargetFieldInfo(c.Name, c.Name, c.Type, c.DeclaredType, c.Required, c.SupportsIdentity)
        {
            Comparison = c.Comparison,
        }).ToList();

        return new(Name, Name, fields, TableSyncModes.For(fields));
    }
}
