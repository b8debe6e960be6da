using System.Globalization;
using System.Text;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>A record value that its column cannot store without changing it.</summary>
internal sealed class MySqlValueException(string message) : Exception(message);

/// <summary>A value converted for a column's parameter, and how the conversion changed it, if it did.</summary>
internal readonly record struct MySqlStoredValue(object Value, string? Warning = null);

/// <summary>
/// Converts reader-contract values to the parameter values of target columns. A value the column would change without an
/// error (rounded, cut or out of range) is rejected with <see cref="MySqlValueException"/>, which fails the record. A
/// value stored in another form with the same meaning gets a warning. Other values the server checks in strict mode
/// (text for a number column) are passed on, so the server's error fails the batch.
/// </summary>
internal static class MySqlValues
{
    /// <exception cref="MySqlValueException">The column cannot store the value without changing it.</exception>
    public static MySqlStoredValue ToParameter(object? value, MySqlColumn column)
    {
        if (value is null)
        {
            return new(DBNull.Value);
        }

        return column.DataType switch
        {
            "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "year" or "bit" => ToInteger(value, column),
            "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "enum" or "set" or "json" => ToText(value, column),
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ToBytes(value, column),
            "datetime" or "timestamp" => ToTimestamp(value, column),
            "decimal" or "float" or "double" when value is bool flag => new(flag ? 1 : 0),
            "decimal" => MySqlNumbers.ToDecimal(value, column),
            "float" or "double" => MySqlNumbers.ToFloatingPoint(value, column),
            _ => value switch
            {
                double number when !double.IsFinite(number) =>
                    throw new MySqlValueException($"field {column.Name}: {Format(number)} cannot be stored, because MySQL and MariaDB have no NaN or infinity"),
                _ => new(value),
            },
        };
    }

    private static MySqlStoredValue ToInteger(object value, MySqlColumn column)
    {
        switch (value)
        {
            case long number:
                MySqlNumbers.CheckIntegerRange(number, value, column);
                return new(value);
            case string:
                return new(value);
            case bool flag:
                return new(flag ? 1L : 0L);
            case decimal number when number == decimal.Truncate(number):
                MySqlNumbers.CheckIntegerRange(number, value, column);
                return new(number >= 0 && column.IsUnsigned ? (ulong)number : number);
            case double number when number == Math.Truncate(number) && Math.Abs(number) < 1e15:
                MySqlNumbers.CheckIntegerRange((decimal)number, value, column);
                return new((long)number);

            // The server rounds a fraction written to an integer column, even in strict mode, so it is rejected here.
            case decimal or double:
                throw new MySqlValueException($"field {column.Name}: the column {column.ColumnType} takes whole numbers, not {Format(value)}.");
            default:
                throw Mismatch(value, column);
        }
    }

    private static MySqlStoredValue ToText(object value, MySqlColumn column) =>
        value switch
        {
            string text => FitLength(text, column, warning: null),
            byte[] => throw Mismatch(value, column),
            _ => FitLength(Format(value), column, $"field {column.Name}: the {Describe(value)} was stored as text"),
        };

    /// <summary>
    /// Checks text against a CHAR(n) or VARCHAR(n) column, whose n counts characters. In strict mode the server rejects
    /// longer text, except that it cuts off trailing spaces beyond n with only a note. A CHAR column also drops every
    /// trailing space when it is read.
    /// </summary>
    private static MySqlStoredValue FitLength(string text, MySqlColumn column, string? warning)
    {
        if (column.DataType is not ("char" or "varchar") || column.Length is not { } maxLength)
        {
            return new(text, warning);
        }

        // utf8mb4 columns count a character outside the BMP once. NOTE: a column in a 3-byte or single-byte character
        // set rejects or replaces such characters, which is left to the server.
        var (length, cutsContent) = CharacterLimit.Measure(text, maxLength);
        if (length > maxLength)
        {
            if (cutsContent)
            {
                throw new MySqlValueException(
                    $"field {column.Name}: the text has {length} characters, more than the maximum of {maxLength} of the column type " +
                    $"{column.ColumnType}; widen the column or shorten the text in the model query.");
            }

            warning = Join(warning, $"field {column.Name}: trailing spaces beyond the column's maximum of {maxLength} characters were removed");
        }
        else if (column.DataType == "char" && text.EndsWith(' '))
        {
            warning = Join(warning, $"field {column.Name}: trailing spaces were removed, because a CHAR column drops them when it is read");
        }

        return new(text, warning);
    }

    private static string Join(string? first, string second) => first is null ? second : $"{first}; {second}";

    private static MySqlStoredValue ToBytes(object value, MySqlColumn column) =>
        value switch
        {
            byte[] bytes => new(bytes),
            string text => new(Encoding.UTF8.GetBytes(text), $"field {column.Name}: the text was stored as its UTF-8 bytes"),
            _ => throw Mismatch(value, column),
        };

    /// <summary>
    /// Converts instants to their UTC time, because sessions run in UTC: a TIMESTAMP column stores the same instant, and
    /// a DATETIME column, which has no time zone, gets a warning. ISO 8601 text with an offset, as SQLite stores
    /// instants, is converted the same way, since the server rejects the offset suffix.
    /// </summary>
    private static MySqlStoredValue ToTimestamp(object value, MySqlColumn column)
    {
        if (value is string text && text.Length > 10
            && (text.EndsWith('Z') || text[10..].Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 10)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return column.DataType == "timestamp"
                ? new(parsed.UtcDateTime)
                : new(DateTime.SpecifyKind(parsed.UtcDateTime, DateTimeKind.Unspecified),
                    $"field {column.Name}: the text's time zone offset was applied and the instant stored as its UTC time, because the column is a DATETIME without time zone");
        }

        return value switch
        {
            DateTimeOffset instant when column.DataType == "timestamp" => new(instant.UtcDateTime),
            DateTimeOffset instant => new(
                DateTime.SpecifyKind(instant.UtcDateTime, DateTimeKind.Unspecified),
                $"field {column.Name}: the instant was stored as its UTC time, because the column is a DATETIME without time zone"),
            DateTime timestamp when column.DataType == "timestamp" => new(
                timestamp,
                $"field {column.Name}: the timestamp without time zone was read as UTC and stored as that instant"),
            _ => new(value),
        };
    }

    private static MySqlValueException Mismatch(object value, MySqlColumn column) =>
        new($"field {column.Name}: the column {column.ColumnType} cannot store a {Describe(value)}; map a field of a matching type.");

    private static string Describe(object value) =>
        value switch
        {
            long => "integer",
            decimal => "decimal",
            double => "floating-point number",
            bool => "boolean",
            DateTimeOffset => "instant",
            DateTime => "timestamp",
            DateOnly => "date",
            TimeOnly => "time",
            byte[] => "binary value",
            _ => value.GetType().Name,
        };

    /// <summary>Formats a value as invariant text: ISO 8601 for dates and times, the shortest round-trip form for doubles.</summary>
    public static string Format(object value) =>
        value switch
        {
            bool flag => flag ? "true" : "false",
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
            DateTime timestamp => timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
}
