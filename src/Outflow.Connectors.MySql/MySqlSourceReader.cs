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
    MySqlValueKind[] kinds) : DatabaseSourceReader<MySqlDataReader>(connection, transaction, command, reader, columns)
{
    protected override bool IsDatabaseFailure(Exception exception) => MySqlErrors.IsDatabaseFailure(exception);

    protected override ConnectorException Wrap(Exception exception, string action) => MySqlErrors.Wrap(exception, action);

    protected override bool IsIgnoredCancelFailure(Exception exception) =>
        MySqlErrors.IsDatabaseFailure(exception) || exception is InvalidOperationException;

    /// <summary>
    /// Reads one value. A value without a reader-contract form becomes an <see cref="UnreadableValue"/>, so its row is
    /// a record error: a zero date (0000-00-00), a DECIMAL beyond decimal's 28 digits, a TIME outside 00:00 to 24:00.
    /// </summary>
    protected override object ReadValue(int ordinal)
    {
        try
        {
            return kinds[ordinal] switch
            {
                MySqlValueKind.Int64 => Convert.ToInt64(Reader.GetValue(ordinal), CultureInfo.InvariantCulture),
                MySqlValueKind.UInt64 or MySqlValueKind.Bit => ToNumber(Reader.GetUInt64(ordinal)),
                MySqlValueKind.Decimal => Reader.GetDecimal(ordinal),

                // The shortest text that reads back as the same float is the value the user sees, so it becomes the double.
                MySqlValueKind.Float => double.Parse(Reader.GetFloat(ordinal).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                MySqlValueKind.Double => Reader.GetDouble(ordinal),
                MySqlValueKind.Boolean => Reader.GetBoolean(ordinal),
                MySqlValueKind.DateTime => DateTime.SpecifyKind(Reader.GetDateTime(ordinal), DateTimeKind.Unspecified),

                // The session runs in UTC, so the server converts TIMESTAMP values to UTC.
                MySqlValueKind.Timestamp => new DateTimeOffset(DateTime.SpecifyKind(Reader.GetDateTime(ordinal), DateTimeKind.Unspecified), TimeSpan.Zero),
                MySqlValueKind.Date => DateOnly.FromDateTime(Reader.GetDateTime(ordinal)),
                MySqlValueKind.Time => ToTimeOfDay(Reader.GetTimeSpan(ordinal)),
                MySqlValueKind.Bytes => Reader.GetFieldValue<byte[]>(ordinal),
                _ => Reader.GetString(ordinal),
            };
        }
        catch (InvalidCastException) when (kinds[ordinal] is MySqlValueKind.DateTime or MySqlValueKind.Timestamp or MySqlValueKind.Date)
        {
            // MySqlConnector raises InvalidCastException for a date with a zero year, month or day. Its message suggests a
            // connection string option, which users of this connector cannot set.
            var column = Columns[ordinal];
            return new UnreadableValue(
                $"column {column.Name} ({column.RemoteType}) holds a zero date such as 0000-00-00 or 2024-00-15, which no date type can hold. " +
                $"Replace it in the model query, for example with NULLIF({column.Name}, '0000-00-00') for a DATE or " +
                $"NULLIF({column.Name}, '0000-00-00 00:00:00') for a DATETIME or TIMESTAMP, or filter the row out.");
        }
        catch (Exception exception) when (IsConversionFailure(exception))
        {
            // Only this row is affected, so the engine reports it as a record error and goes on with the others.
            var column = Columns[ordinal];
            return new UnreadableValue(
                $"column {column.Name} ({column.RemoteType}) holds a value that cannot be read as {kinds[ordinal]}: {exception.Message} " +
                "Cast the column in the model query, for example with CAST(… AS CHAR), or filter the row out.");
        }
    }

    private static bool IsConversionFailure(Exception exception) =>
        exception is InvalidCastException or OverflowException or ArgumentException or FormatException or MySqlConversionException;

    /// <summary>Returns a long, or a decimal for a BIGINT UNSIGNED or BIT(64) value above long's maximum.</summary>
    private static object ToNumber(ulong value) => value <= long.MaxValue ? (long)value : (decimal)value;

    /// <exception cref="OverflowException">The TIME value is negative or 24 hours or more, which no time of day holds.</exception>
    private static TimeOnly ToTimeOfDay(TimeSpan value) =>
        value >= TimeSpan.Zero && value < TimeSpan.FromDays(1)
            ? TimeOnly.FromTimeSpan(value)
            : throw new OverflowException($"the TIME value {FormatTime(value)} is not a time of day.");

    /// <summary>Formats a TIME value as MySQL shows it: <c>838:59:59</c> or <c>-00:00:01.500000</c>.</summary>
    private static string FormatTime(TimeSpan value)
    {
        var magnitude = value.Duration();
        var text = string.Create(
            CultureInfo.InvariantCulture, $"{(value < TimeSpan.Zero ? "-" : "")}{(long)magnitude.TotalHours:00}:{magnitude.Minutes:00}:{magnitude.Seconds:00}");
        var fraction = magnitude.Ticks % TimeSpan.TicksPerSecond;
        return fraction == 0 ? text : string.Create(CultureInfo.InvariantCulture, $"{text}.{fraction / 10:000000}");
    }
}
