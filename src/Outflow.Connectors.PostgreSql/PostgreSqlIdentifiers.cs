namespace Outflow.Connectors.PostgreSql;

/// <summary>Quotes identifiers and splits object ids of the form <c>schema.table</c>.</summary>
internal static class PostgreSqlIdentifiers
{
    public const string DefaultSchema = "public";

    /// <summary>Quotes an identifier, doubling embedded quotes, so any name is taken literally and cannot inject SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Splits <c>schema.table</c> at the first dot; a name without a dot is in the <c>public</c> schema.</summary>
    public static (string Schema, string Table) SplitObjectId(string objectId)
    {
        var dot = objectId.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (DefaultSchema, objectId) : (objectId[..dot], objectId[(dot + 1)..]);
    }

    public static string QuoteObject(string schema, string table) => Quote(schema) + "." + Quote(table);

    public static string ToObjectId(string schema, string table) => schema + "." + table;
}
