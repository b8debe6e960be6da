using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.PostgreSql;

/// <summary>A target table and its writable columns, in column order.</summary>
internal sealed record PostgreSqlTable(string Schema, string Name, IReadOnlyList<PostgreSqlColumn> Columns)
{
    private static readonly SyncMode[] IdentityModes = [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace];

    public string ObjectId => PostgreSqlIdentifiers.ToObjectId(Schema, Name);

    public string QuotedName => PostgreSqlIdentifiers.QuoteObject(Schema, Name);

    public PostgreSqlColumn? FindColumn(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>Describes the table; the modes are offered only when some column can identify records.</summary>
    public TargetObjectInfo ToObjectInfo() =>
        new(
            ObjectId,
            ObjectId,
            Columns.Select(c => new TargetFieldInfo(c.Name, c.Name, c.Type, c.RemoteType, c.Required, c.SupportsIdentity)).ToList(),
            Columns.Any(c => c.SupportsIdentity) ? IdentityModes : []);
}
