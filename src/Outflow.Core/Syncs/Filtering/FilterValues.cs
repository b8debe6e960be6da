using System.Globalization;
using System.Text.RegularExpressions;
using Outflow.Core.Connectors;

namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// Reads and compares model field values (the value types of <see cref="ISourceReader"/>) against filter operands.
/// Numbers compare numerically across long, decimal and double, and strings compare ordinally. Datetimes compare as
/// instants, where a timestamp without zone and a date are taken as UTC.
/// </summary>
internal static partial class FilterValues
{
    public static decimal? ParseDecimal(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    public static double? ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : null;

    /// <summary>
    /// Parses an RFC 3339 date-time, or an ISO 8601 date or date-time without zone, which is taken as UTC.
    /// Returns null for any other text, so that loose formats such as <c>3/1/2024</c> never match.
    /// </summary>
    public static DateTimeOffset? ParseInstant(string text)
    {
        if (!InstantShape().IsMatch(text))
        {
            return null;
        }

        var styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out var instant) ? instant : null;
    }

    /// <summary>Reads <c>true</c> and <c>false</c> in any letter case, and returns null for other text.</summary>
    public static bool? ParseBoolean(string text)
    {
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) ? false : null;
    }

    /// <summary>Reads a boolean, the integers 1 and 0, or the strings true and false as a boolean; returns null for others.</summary>
    public static bool? ToBoolean(object value) => value switch
    {
        bool boolean => boolean,
        long number => number switch
        {
            1 => true,
            0 => false,
            _ => null,
        },
        decimal number => number switch
        {
            1m => true,
            0m => false,
            _ => null,
        },
        string text => ParseBoolean(text.Trim()) ?? text.Trim() switch
        {
            "1" => true,
            "0" => false,
            _ => null,
        },
        _ => null,
    };

    /// <summary>Returns the text that string functions test: strings as they are, other values in invariant ISO form.</summary>
    public static string? ToText(object value) => value switch
    {
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        decimal number => number.ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        bool boolean => boolean ? "true" : "false",
        DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTime timestamp => timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Reads a value as an instant, taking a timestamp without zone and a date as UTC.</summary>
    public static DateTimeOffset? ToInstant(object value) => value switch
    {
        DateTimeOffset instant => instant,
        DateTime timestamp => new DateTimeOffset(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc)),
        DateOnly date => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
        string text => ParseInstant(text.Trim()),
        _ => null,
    };

    /// <summary>
    /// Compares a non-null value with an operand and returns the sign of the difference, or null when the two cannot
    /// be compared (text against a number, a boolean against a date). A string value is read as an instant when
    /// <paramref name="asInstant"/> is set or the field is a datetime, as a number when the field is a number or the
    /// operand is a JSON number; otherwise it is compared ordinally. In a boolean field, 1, 0, true and false are booleans.
    /// </summary>
    public static int? Compare(object value, FilterOperand operand, FieldType fieldType, bool asInstant)
    {
        // Sources without a boolean type (SQLite) store booleans as the integers 1 and 0.
        if (fieldType == FieldType.Boolean && value is not bool)
        {
            return ToBoolean(value) is { } truth && operand.Boolean is { } expectedTruth ? truth.CompareTo(expectedTruth) : null;
        }

        switch (value)
        {
            case bool boolean:
                return operand.Boolean is { } expected ? boolean.CompareTo(expected) : null;
            case long number:
                return CompareNumber((decimal)number, operand);
            case decimal number:
                return CompareNumber(number, operand);
            case double number:
                return CompareNumber(number, operand);
            case DateTimeOffset or DateTime or DateOnly:
                return CompareInstant(ToInstant(value), operand);
            case TimeOnly time:
                return operand.Time is { } expectedTime ? Math.Sign(time.CompareTo(expectedTime)) : null;
            case string text:
                return CompareString(text, operand, fieldType, asInstant);
            default:
                return null;
        }
    }

    private static int? CompareString(string text, FilterOperand operand, FieldType fieldType, bool asInstant)
    {
        if (asInstant || fieldType == FieldType.Datetime)
        {
            return CompareInstant(ParseInstant(text.Trim()), operand);
        }

        if (fieldType == FieldType.Number || operand.IsJsonNumber)
        {
            var trimmed = text.Trim();
            if (ParseDecimal(trimmed) is { } number)
            {
                return CompareNumber(number, operand);
            }

            return ParseDouble(trimmed) is { } real ? CompareNumber(real, operand) : null;
        }

        return Math.Sign(string.CompareOrdinal(text, operand.Text));
    }

    private static int? CompareNumber(decimal number, FilterOperand operand)
    {
        if (operand.Decimal is { } expected)
        {
            return number.CompareTo(expected);
        }

        return operand.Double is { } real ? ((double)number).CompareTo(real) : null;
    }

    private static int? CompareNumber(double number, FilterOperand operand)
    {
        if (double.IsNaN(number))
        {
            return null;
        }

        return operand.Double is { } expected ? Math.Sign(number.CompareTo(expected)) : null;
    }

    private static int? CompareInstant(DateTimeOffset? instant, FilterOperand operand)
    {
        if (instant is null || operand.Instant is null)
        {
            return null;
        }

        return instant.Value.UtcTicks.CompareTo(operand.Instant.Value.UtcTicks);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:[Zz]|[+-]\d{2}(?::\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex InstantShape();
}
