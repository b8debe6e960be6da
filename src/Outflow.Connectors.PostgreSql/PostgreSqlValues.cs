using System.Globalization;
using System.Text;
using Outflow.Core.Connectors;
using System.Text.RegularExpressions;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// Converts reader-contract values to parameter text for a column. A value the column would change without an error
/// (rounded to the column's scale or to a real, an instant's time dropped by a date column, a time zone ignored by a
/// timestamp column) is rejected with <see cref="PostgreSqlValueException"/>. A value stored in another representation
/// with the same meaning gets a warning. What PostgreSQL rejects itself (a fraction for an integer, invalid JSON, a
/// number out of range) is left to the server, which fails the batch.
/// </summary>
internal static partial class PostgreSqlValues
{
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";
    private const string DateFormat = "yyyy-MM-dd";
    private const string TimeFormat = "HH:mm:ss.FFFFFFF";

    // PostgreSQL's integers are at most 64 bits; doubles at or beyond 2^63 have no bigint.
    private const double IntegerLimit = 9223372036854775808.0;

    /// <exception cref="PostgreSqlValueException">The column would change the value.</exception>
    /// <exception cref="ArgumentException">The value is not of a reader-contract type.</exception>
    public static PostgreSqlStoredValue ToParameterValue(object? value, PostgreSqlColumn column) =>
        value switch
        {
            null => new(null),
            string text => FromText(text, column),
            long number => FromInteger(number, column),
            int number => FromInteger(number, column),
            decimal number => FromDecimal(number, column),
            double number => FromDouble(number, column),
            float number => FromDouble(number, column),
            bool boolean => FromBoolean(boolean, column),
            byte[] bytes => FromBytes(bytes, column),
            DateTimeOffset instant => FromInstant(instant.ToUniversalTime(), column),
            DateTime timestamp => FromTimestamp(timestamp, column),
            DateOnly date => FromDate(date, column),
            TimeOnly time => FromTime(time, column),
            _ => throw new ArgumentException($"a value of type {value.GetType().Name} is not a reader-contract value type", nameof(value)),
        };

    private static PostgreSqlStoredValue FromText(string text, PostgreSqlColumn column)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new PostgreSqlValueException(
                $"field {column.Name}: the text contains the NUL character (U+0000), which PostgreSQL cannot store in text; " +
                "remove it in the model query, for example with replace().");
        }

        switch (column.Kind)
        {
            case PostgreSqlColumnKind.Text:
                return FitLength(text, column, warning: null);
            case PostgreSqlColumnKind.Numeric
                when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                CheckScale(number, column);
                return new(text);
            case PostgreSqlColumnKind.Timestamp when ZoneSuffix().IsMatch(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant):
                // A timestamp column ignores a zone in its input, which would keep the wall time of another zone.
                return new(
                    instant.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture),
                    $"field {column.Name}: the text's time zone offset was applied and the instant stored as its UTC time, " +
                    "because the column is a timestamp without time zone");
            default:
                return new(text);
        }
    }

    private static PostgreSqlStoredValue FromInteger(long number, PostgreSqlColumn column)
    {
        var text = number.ToString(CultureInfo.InvariantCulture);
        return column.Kind switch
        {
            PostgreSqlColumnKind.Real when IsExact((float)number, number) => new(text, StoredAs(column, "integer", "a floating-point number")),
            PostgreSqlColumnKind.DoublePrecision when IsExact((double)number, number) =>
                new(text, StoredAs(column, "integer", "a floating-point number")),
            PostgreSqlColumnKind.Real or PostgreSqlColumnKind.DoublePrecision => throw Rounded(column, "integer", "bigint or numeric"),
            PostgreSqlColumnKind.Boolean => ToBoolean(number, column, "integer"),
            PostgreSqlColumnKind.Text => FitLength(text, column, StoredAs(column, "integer", "text")),
            _ => new(text),
        };
    }

    private static PostgreSqlStoredValue FromDecimal(decimal number, PostgreSqlColumn column)
    {
        var text = number.ToString(CultureInfo.InvariantCulture);
        switch (column.Kind)
        {
            case PostgreSqlColumnKind.Integer when number == decimal.Truncate(number):
                // An integer column rejects "2.0", so a whole decimal goes without its fraction digits.
                return new(decimal.Truncate(number).ToString("0", CultureInfo.InvariantCulture));
            case PostgreSqlColumnKind.Integer:
                throw new PostgreSqlValueException(
                    $"field {column.Name}: the decimal has a fraction, which an integer column cannot store; " +
                    "round it in the model query or map the field to a numeric column.");
            case PostgreSqlColumnKind.Numeric:
                CheckScale(number, column);
                return new(text);
            // A real is read back as the double it widens to, so that double must name the same decimal.
            case PostgreSqlColumnKind.Real when ToShortestDecimal((double)(float)number) == number:
                return new(text, StoredAs(column, "decimal", "a floating-point number"));
            case PostgreSqlColumnKind.DoublePrecision when ToShortestDecimal((double)number) == number:
                return new(text, StoredAs(column, "decimal", "a floating-point number"));
            case PostgreSqlColumnKind.Real or PostgreSqlColumnKind.DoublePrecision:
                throw Rounded(column, "decimal", "numeric");
            case PostgreSqlColumnKind.Boolean:
                return number is 0m or 1m
                    ? ToBoolean(number == 1m ? 1 : 0, column, "decimal")
                    : throw NotBoolean(column, "decimal");
            case PostgreSqlColumnKind.Text:
                return FitLength(text, column, StoredAs(column, "decimal", "text"));
            default:
                return new(text);
        }
    }

    private static PostgreSqlStoredValue FromDouble(double number, PostgreSqlColumn column)
    {
        // "R" writes NaN, Infinity and -Infinity as PostgreSQL's float and numeric input reads them.
        var text = number.ToString("R", CultureInfo.InvariantCulture);
        switch (column.Kind)
        {
            case PostgreSqlColumnKind.Integer when number == Math.Truncate(number) && Math.Abs(number) < IntegerLimit:
                return new(((long)number).ToString(CultureInfo.InvariantCulture), StoredAs(column, "floating-point number", "an integer"));
            case PostgreSqlColumnKind.Integer:
                throw new PostgreSqlValueException(
                    $"field {column.Name}: the floating-point number has a fraction, is NaN or infinite, or is beyond the " +
                    "64-bit range, so an integer column cannot store it; round it in the model query or map a numeric column.");
            case PostgreSqlColumnKind.Numeric:
                if (ToShortestDecimal(number) is { } exact)
                {
                    CheckScale(exact, column);
                }

                return new(text, StoredAs(column, "floating-point number", "a decimal"));
            case PostgreSqlColumnKind.Real when double.IsFinite(number) && (double)(float)number != number:
                throw Rounded(column, "floating-point number", "double precision");
            case PostgreSqlColumnKind.Boolean:
                return number is 0 or 1 ? ToBoolean((long)number, column, "floating-point number") : throw NotBoolean(column, "floating-point number");
            case PostgreSqlColumnKind.Text:
                return FitLength(text, column, StoredAs(column, "floating-point number", "text"));
            default:
                return new(text);
        }
    }

    private static PostgreSqlStoredValue FromBoolean(bool boolean, PostgreSqlColumn column) =>
        column.Kind switch
        {
            PostgreSqlColumnKind.Integer or PostgreSqlColumnKind.Numeric or PostgreSqlColumnKind.Real or PostgreSqlColumnKind.DoublePrecision =>
                new(boolean ? "1" : "0", $"field {column.Name}: the boolean was stored as {(boolean ? 1 : 0)}"),
            PostgreSqlColumnKind.Text => FitLength(boolean ? "true" : "false", column, StoredAs(column, "boolean", "text")),
            _ => new(boolean ? "true" : "false"),
        };

    private static PostgreSqlStoredValue FromBytes(byte[] bytes, PostgreSqlColumn column) =>
        column.Kind == PostgreSqlColumnKind.Text
            ? FitLength("\\x" + Convert.ToHexStringLower(bytes), column, StoredAs(column, "binary value", "hexadecimal text"))
            : new(bytes);

    private static PostgreSqlStoredValue FromInstant(DateTimeOffset instant, PostgreSqlColumn column)
    {
        var utc = instant.UtcDateTime;
        var text = utc.ToString(InstantFormat, CultureInfo.InvariantCulture);
        switch (column.Kind)
        {
            case PostgreSqlColumnKind.TimestampTz:
                CheckMicroseconds(utc.Ticks, column);
                return new(text);
            case PostgreSqlColumnKind.Timestamp:
                CheckMicroseconds(utc.Ticks, column);
                return new(
                    utc.ToString(TimestampFormat, CultureInfo.InvariantCulture),
                    $"field {column.Name}: the instant was stored as its UTC time, because the column is a timestamp without time zone");
            case PostgreSqlColumnKind.Date:
                return ToDate(utc, column, "instant (at UTC midnight)");
            case PostgreSqlColumnKind.Time:
                throw NotTime(column, "instant");
            case PostgreSqlColumnKind.Text:
                return FitLength(text, column, StoredAs(column, "instant", "ISO 8601 text in UTC"));
            default:
                return new(text);
        }
    }

    private static PostgreSqlStoredValue FromTimestamp(DateTime timestamp, PostgreSqlColumn column)
    {
        var text = timestamp.ToString(TimestampFormat, CultureInfo.InvariantCulture);
        switch (column.Kind)
        {
            case PostgreSqlColumnKind.Timestamp:
                CheckMicroseconds(timestamp.Ticks, column);
                return new(text);
            case PostgreSqlColumnKind.TimestampTz:
                CheckMicroseconds(timestamp.Ticks, column);
                return new(
                    timestamp.ToString(InstantFormat, CultureInfo.InvariantCulture),
                    $"field {column.Name}: the timestamp without time zone was read as UTC and stored as that instant");
            case PostgreSqlColumnKind.Date:
                return ToDate(timestamp, column, "timestamp (at midnight)");
            case PostgreSqlColumnKind.Time:
                throw NotTime(column, "timestamp");
            case PostgreSqlColumnKind.Text:
                return FitLength(text, column, StoredAs(column, "timestamp", "ISO 8601 text"));
            default:
                return new(text);
        }
    }

    private static PostgreSqlStoredValue FromDate(DateOnly date, PostgreSqlColumn column)
    {
        var text = date.ToString(DateFormat, CultureInfo.InvariantCulture);
        return column.Kind switch
        {
            PostgreSqlColumnKind.Timestamp => new(text + "T00:00:00", StoredAs(column, "date", "a timestamp at midnight")),
            PostgreSqlColumnKind.TimestampTz => new(text + "T00:00:00Z", StoredAs(column, "date", "the instant of its midnight in UTC")),
            PostgreSqlColumnKind.Text => FitLength(text, column, StoredAs(column, "date", "ISO 8601 text")),
            _ => new(text),
        };
    }

    private static PostgreSqlStoredValue FromTime(TimeOnly time, PostgreSqlColumn column)
    {
        var text = time.ToString(TimeFormat, CultureInfo.InvariantCulture);
        switch (column.Kind)
        {
            case PostgreSqlColumnKind.Time:
                CheckMicroseconds(time.Ticks, column);
                return new(text);
            case PostgreSqlColumnKind.Text:
                return FitLength(text, column, StoredAs(column, "time", "ISO 8601 text"));
            default:
                return new(text);
        }
    }

    /// <summary>
    /// Checks text against a varchar(n) or char(n) column. PostgreSQL rejects longer text, except that it cuts off
    /// trailing spaces beyond n without an error, and char(n) pads shorter text with spaces.
    /// </summary>
    private static PostgreSqlStoredValue FitLength(string text, PostgreSqlColumn column, string? warning)
    {
        if (column.MaxLength is not { } maxLength)
        {
            return new(text, warning);
        }

        // PostgreSQL counts characters as code points, so a character outside the BMP counts once.
        var (length, cutsContent) = CharacterLimit.Measure(text, maxLength);
        if (length > maxLength)
        {
            if (cutsContent)
            {
                throw new PostgreSqlValueException(
                    $"field {column.Name}: the text has {length} characters, more than the column's maximum of {maxLength}; " +
                    "widen the column or shorten the text in the model query.");
            }

            return new(text, Join(warning, $"field {column.Name}: trailing spaces beyond the column's maximum of {maxLength} characters were removed"));
        }

        if (column.IsFixedLength && length < maxLength)
        {
            return new(text, Join(warning, $"field {column.Name}: the text was padded with spaces to the column's fixed length of {maxLength}"));
        }

        return new(text, warning);
    }

    private static void CheckScale(decimal number, PostgreSqlColumn column)
    {
        if (column.Scale is { } scale && scale is >= 0 and <= 28 && decimal.Round(number, scale) != number)
        {
            throw new PostgreSqlValueException(
                $"field {column.Name}: the number has more decimal places than the column's scale of {scale}, so PostgreSQL " +
                "would round it; round it in the model query or widen the column's scale.");
        }
    }

    private static void CheckMicroseconds(long ticks, PostgreSqlColumn column)
    {
        // A tick is 100 ns; PostgreSQL keeps whole microseconds and would round the rest.
        if (ticks % 10 != 0)
        {
            throw new PostgreSqlValueException(
                $"field {column.Name}: the value has sub-microsecond digits, which PostgreSQL would round; " +
                "round it to microseconds in the model query.");
        }
    }

    private static PostgreSqlStoredValue ToDate(DateTime timestamp, PostgreSqlColumn column, string kind) =>
        timestamp.TimeOfDay == TimeSpan.Zero
            ? new(timestamp.ToString(DateFormat, CultureInfo.InvariantCulture), StoredAs(column, kind, "a date"))
            : throw new PostgreSqlValueException(
                $"field {column.Name}: the value has a time of day, which a date column would drop; " +
                "cast it to a date in the model query or map the field to a timestamp column.");

    private static PostgreSqlStoredValue ToBoolean(long number, PostgreSqlColumn column, string kind) =>
        number is 0 or 1
            ? new(number == 1 ? "true" : "false", StoredAs(column, kind, "a boolean"))
            : throw NotBoolean(column, kind);

    private static PostgreSqlValueException NotBoolean(PostgreSqlColumn column, string kind) =>
        new($"field {column.Name}: only the numbers 0 and 1 can be stored in a boolean column, and this {kind} is neither; " +
            "map the field to a numeric column or convert it in the model query.");

    private static PostgreSqlValueException NotTime(PostgreSqlColumn column, string kind) =>
        new($"field {column.Name}: a time column would keep only the time of day of this {kind} and drop its date; " +
            "cast it to time in the model query or map the field to a timestamp column.");

    private static PostgreSqlValueException Rounded(PostgreSqlColumn column, string kind, string exactType) =>
        new($"field {column.Name}: the {kind} has no exact value in the column's type {column.RemoteType}, which would round it; " +
            $"map the field to a {exactType} column.");

    private static string StoredAs(PostgreSqlColumn column, string kind, string representation) =>
        $"field {column.Name}: the {kind} was stored as {representation}";

    /// <summary>Returns true when <paramref name="real"/>, the float or double nearest to <paramref name="number"/>, is exactly it.</summary>
    private static bool IsExact(double real, long number) => real < IntegerLimit && (long)real == number;

    private static string Join(string? first, string second) => first is null ? second : $"{first}; {second}";

    private static decimal? ToShortestDecimal(double number) =>
        double.IsFinite(number)
        && decimal.TryParse(number.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            ? exact
            : null;

    // A time of day followed by Z or a numeric offset, such as 10:00:00+02 or 10:00Z.
    [GeneratedRegex(@"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex ZoneSuffix();
}
