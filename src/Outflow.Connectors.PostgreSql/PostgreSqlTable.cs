using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>A target table and its writable columns, in column order.</summary>
internal sealed record PostgreSqlTable(string Schema, string Name, IReadOnlyList<PostgreSqlColumn> Columns)
{
    public string ObjectId => PostgreSqlIdentifiers.ToObjectId(Schema, Name);

    public string QuotedName => PostgreSqlIdentifiers.QuoteObject(Schema, Name);

    /// <summary>
    /// Whether rules or BEFORE INSERT row triggers can rewrite or drop the table's new rows. COPY ignores rules and
    /// cannot return the rows it wrote, so such a table is only written with statements.
    /// </summary>
    public bool RewritesInserts { get; init; }

    public PostgreSqlColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>Describes the table with its columns and the sync modes that <see cref="TableSyncModes"/> allows for them.</summary>
    public TargetObjectInfo ToObjectInfo()
    {
        var fields = Columns.Select(c => new TargetFieldInfo(c.Name, c.Name, c.Type, c.RemoteType, c.Required, c.SupportsIdentity)
        {
            Comparison = c.Comparison,
            IdentityProblem = c.IdentityProblem,
        }).ToList();

        return new(ObjectId, ObjectId, fields, TableSyncModes.For(fields));
    }
}
