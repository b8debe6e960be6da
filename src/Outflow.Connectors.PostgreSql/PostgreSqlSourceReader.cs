using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>Streams a model's rows from an open read-only transaction and normalizes each value.</summary>
internal sealed class PostgreSqlSourceReader(
    NpgsqlConnection connection,
    NpgsqlTransaction transaction,
    NpgsqlCommand command,
    NpgsqlDataReader reader,
    IReadOnlyList<SourceColumn> columns,
    PostgreSqlValueKind[] kinds) : DatabaseSourceReader<NpgsqlDataReader>(connection, transaction, command, reader, columns)
{
    protected override bool IsDatabaseFailure(Exception exception) => PostgreSqlErrors.IsDatabaseFailure(exception);

    protected override ConnectorException Wrap(Exception exception, string action) => PostgreSqlErrors.Wrap(exception, action);

    /// <summary>
    /// Reads one value. A value without a reader-contract form, such as a numeric beyond decimal's range, becomes an
    /// <see cref="UnreadableValue"/>.
    /// </summary>
    protected override object ReadValue(int ordinal)
    {
        try
        {
            return kinds[ordinal] switch
            {
                PostgreSqlValueKind.Int64 => Reader.GetFieldValue<long>(ordinal),
                PostgreSqlValueKind.Decimal => Reader.GetFieldValue<decimal>(ordinal),
                PostgreSqlValueKind.Double => Reader.GetFieldValue<double>(ordinal),
                PostgreSqlValueKind.Boolean => Reader.GetBoolean(ordinal),
                PostgreSqlValueKind.TimestampTz => Reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime(),
                PostgreSqlValueKind.Timestamp => DateTime.SpecifyKind(Reader.GetFieldValue<DateTime>(ordinal), DateTimeKind.Unspecified),
                // NOTE: Npgsql reads infinity and -infinity as the type's largest and smallest values. Such a date
                // reaches the target as 9999-12-31 or 0001-01-01 without a warning, and so does a -infinity timestamp,
                // while an infinity timestamp fails in a PostgreSQL target with a message about sub-microsecond digits.
                PostgreSqlValueKind.Date => Reader.GetFieldValue<DateOnly>(ordinal),
                PostgreSqlValueKind.Time => Reader.GetFieldValue<TimeOnly>(ordinal),
                PostgreSqlValueKind.Bytes => Reader.GetFieldValue<byte[]>(ordinal),
                _ => Reader.GetFieldValue<string>(ordinal),
            };
        }
        catch (Exception exception) when (exception is InvalidCastException or OverflowException or ArgumentException)
        {
            // Only this row is affected, so the engine reports it as a record error and goes on with the others.
            var column = Columns[ordinal];
            return new UnreadableValue(
                $"column {column.Name} ({column.RemoteType}) holds a value that cannot be read as {kinds[ordinal]}: {exception.Message} " +
                "Cast the column in the model query, for example to text.");
        }
    }
}
