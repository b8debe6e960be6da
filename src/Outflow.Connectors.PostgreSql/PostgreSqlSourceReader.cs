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
    PostgreSqlValueKind[] kinds) : ISourceReader
{
    private bool _finished;

    public IReadOnlyList<SourceColumn> Columns => columns;

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var hasRow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _finished = !hasRow;
            return hasRow;
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, "reading the model's rows failed");
        }
    }

    /// <summary>Copies the row's values; a value without a reader-contract form, such as a numeric beyond decimal's range, becomes an <see cref="UnreadableValue"/>.</summary>
    public void GetValues(object?[] values)
    {
        for (var i = 0; i < kinds.Length; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : ReadValue(i);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            // Disposing a reader reads the remaining rows to the end, so an abandoned read is canceled on the server first.
            try
            {
                command.Cancel();
            }
            catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
            {
            }
        }

        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception) || exception is OperationCanceledException)
        {
            // The read is over either way; the connection is discarded below.
        }

        await command.DisposeAsync().ConfigureAwait(false);
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private object ReadValue(int ordinal)
    {
        try
        {
            return kinds[ordinal] switch
            {
                PostgreSqlValueKind.Int64 => reader.GetFieldValue<long>(ordinal),
                PostgreSqlValueKind.Decimal => reader.GetFieldValue<decimal>(ordinal),
                PostgreSqlValueKind.Double => reader.GetFieldValue<double>(ordinal),
                PostgreSqlValueKind.Boolean => reader.GetBoolean(ordinal),
                PostgreSqlValueKind.TimestampTz => reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime(),
                PostgreSqlValueKind.Timestamp => DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(ordinal), DateTimeKind.Unspecified),
                PostgreSqlValueKind.Date => reader.GetFieldValue<DateOnly>(ordinal),
                PostgreSqlValueKind.Time => reader.GetFieldValue<TimeOnly>(ordinal),
                PostgreSqlValueKind.Bytes => reader.GetFieldValue<byte[]>(ordinal),
                _ => reader.GetFieldValue<string>(ordinal),
            };
        }
        catch (Exception exception) when (exception is InvalidCastException or OverflowException or ArgumentException)
        {
            // Only this row is affected, so the engine reports it as a record error and goes on with the others.
            var column = columns[ordinal];
            return new UnreadableValue(
                $"column {column.Name} ({column.RemoteType}) holds a value that cannot be read as {kinds[ordinal]}: {exception.Message} " +
                "Cast the column in the model query, for example to text.");
        }
    }
}
