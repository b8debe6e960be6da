namespace Outflow.Connectors.Sqlite;

/// <summary>
/// A value ready to bind to a column, and a warning when SQLite will store it in another representation with the
/// same meaning (a number stored as text).
/// </summary>
internal readonly record struct SqliteStoredValue(object Value, string? Warning = null);
