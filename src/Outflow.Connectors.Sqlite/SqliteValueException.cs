namespace Outflow.Connectors.Sqlite;

/// <summary>
/// A record value that the target column cannot store without changing it. The connector reports the record as
/// failed with this message and writes the batch's other records.
/// </summary>
internal sealed class SqliteValueException(string message) : Exception(message);
