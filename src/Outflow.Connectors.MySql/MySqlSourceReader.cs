using System.Globalization;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>Streams a model's rows from an open read-only transaction and normalizes each value.</summary>
internal sealed class MySqlSourceReader(
    MySqlConnection connection,
    MySqlTransaction transaction,
    MySqlCommand command,
    MySqlDataReader reader,
    IReadOnlyList<SourceColumn> columns,
    MySqlValueKind[] kinds) : ISourceReader
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
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, "reading the model's rows failed");
        }
    }

    /// <summary>
    /// Copies the row's values. A value without a reader-contract form becomes an <see cref="UnreadableValue"/>, so its
    /// row is a record error: a zero date (0000-00-00), a DECIMAL beyond decimal's 28 digits, a TIME outside 00:00 to 24:00.
    /// </summary>
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
            catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception) || exception is InvalidOperationException)
            {
            }
        }

        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception) || exception is OperationCanceledException)
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
                MySqlValueKind.Int64 => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture),
                MySqlValueKind.UInt64 or MySqlValueKind.Bit => ToNumber(reader.GetUInt64(ordinal)),
                MySqlValueKind.Decimal => reader.GetDecimal(ordinal),

                // The shortest text that reads back as the same float is the value the user sees, so it becomes the double.
                MySqlValueKind.Float => double.Parse(reader.GetFloat(ordinal).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                MySqlValueKind.Double => reader.GetDouble(ordinal),
                MySqlValueKind.Boolean => reader.GetBoolean(ordinal),
                MySqlValueKind.DateTime => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Unspecified),

                // The session runs in UTC, so the server converts TIMESTAMP values to UTC.
                MySqlValueKind.Timestamp => new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Unspecified), TimeSpan.Zero),
                MySqlValueKind.Date => DateOnly.FromDateTime(reader.GetDateTime(ordinal)),
                MySqlValueKind.Time => ToTimeOfDay(reader.GetTimeSpan(ordinal)),
                MySqlValueKind.Bytes => reader.GetFieldValue<byte[]>(ordinal),
                _ => reader.GetString(ordinal),
            };
        }
        catch (Exception exception) when (exception is InvalidCastException or OverflowException or ArgumentException or FormatException or MySqlConversionException)
        {
            // Only this row is affected, so the engine reports it as a record error and goes on with the others.
            var column = columns[ordinal];
            return new UnreadableValue(
                $"column {column.Name} ({column.RemoteType}) holds a value that cannot be read as {kinds[ordinal]}: {exception.Message} " +
                "Cast the column in the model query, for example with CAST(… AS CHAR), or filter the row out.");
        }
    }

    /// <summary>Returns a long, or a decimal for a BIGINT UNSIGNED or BIT(64) value above long's maximum.</summary>
    private static object ToNumber(ulong value) => value <= long.MaxValue ? (long)value : (decimal)value;

    /// <exception cref="OverflowException">The TIME value is negative or 24 hours or more, which no time of day holds.</exception>
    private static TimeOnly ToTimeOfDay(TimeSpan value) =>
        value >= TimeSpan.Zero && value < TimeSpan.FromDays(1)
            ? TimeOnly.FromTimeSpan(value)
            : throw new OverflowException($"the TIME value {value} is not a time of day.");
}
