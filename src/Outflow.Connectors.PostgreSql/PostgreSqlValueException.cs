namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// A record value that the target column cannot store without changing it. The connector reports the record as
/// failed with this message and writes the batch's other records.
/// </summary>
internal sealed class PostgreSqlValueException(string message) : Exception(message);
