namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// A value ready to send as a parameter (null, text or bytes), and a warning when the column will store it in
/// another representation with the same meaning (a number stored as text).
/// </summary>
internal readonly record struct PostgreSqlStoredValue(object? Value, string? Warning = null);
