namespace Outflow.Connectors.MySql;

/// <summary>Quotes identifiers and splits object ids of the form <c>database.table</c>.</summary>
internal static class MySqlIdentifiers
{
    /// <summary>Quotes an identifier in backticks, doubling embedded backticks, so any name is taken literally.</summary>
    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>Splits <c>database.table</c> at the first dot; a name without a dot is in <paramref name="defaultDatabase"/>.</summary>
    public static (string Database, string Table) SplitObjectId(string objectId, string defaultDatabase)
    {
        var dot = objectId.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (defaultDatabase, objectId) : (objectId[..dot], objectId[(dot + 1)..]);
    }

    public static string QuoteObject(string database, string table) => Quote(database) + "." + Quote(table);

    public static string ToObjectId(string database, string table) => database + "." + table;
}
