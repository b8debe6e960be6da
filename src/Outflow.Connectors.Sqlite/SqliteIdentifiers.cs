namespace Outflow.Connectors.Sqlite;

internal static class SqliteIdentifiers
{
    /// <summary>Quotes an identifier, doubling embedded quotes, so any name is taken literally and cannot inject SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
