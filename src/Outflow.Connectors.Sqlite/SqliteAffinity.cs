namespace Outflow.Connectors.Sqlite;

/// <summary>SQLite's type affinity of a column, which decides how stored values convert.</summary>
internal enum SqliteAffinity
{
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}
