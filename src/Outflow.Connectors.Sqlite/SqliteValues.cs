using System.Globalization;
using System.Text.RegularExpressions;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>
/// Converts reader-contract values to what SQLite stores for a column. A value whose meaning the column would change
/// (a decimal rounded to a REAL, NaN turned into NULL, text with leading zeros turned into an integer) is rejected
/// with <see cref="SqliteValueException"/>; a value stored in another representation with the same meaning gets a warning.
/// </summary>
internal static partial class SqliteValues
{
    /// <exception cref="SqliteValueException">The column would change the value.</exception>
    /// <exception cref="ArgumentException">The value is not of a reader-contract type.</exception>
    public static SqliteStoredValue ToStorage(object? value, SqliteColumn column) =>
        value switch
        {
            null => new(DBNull.Value),
            string text => FromText(text, column),
            long number => FromInteger(number, column),
            int number => FromInteger(number, column),
            decimal number => FromDecimal(number, column),
            double number => FromDouble(number, column),
            float number => FromDouble(number, column),
            bool boolean => FromBoolean(boolean, column),
            byte[] bytes => new(bytes),

            // SQLite has no date and time types; these ISO 8601 texts are the forms its date and time functions read.
            DateTimeOffset instant => new(instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)),
            DateTime timestamp => new(timestamp.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            DateOnly date => new(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            TimeOnly time => new(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"a value of type {value.GetType().Name} is not a reader-contract value type", nameof(value)),
        };

    private static SqliteStoredValue FromInteger(long number, SqliteColumn column) =>
        column.Affinity switch
        {
            SqliteAffinity.Text => new(number.ToString(CultureInfo.InvariantCulture), StoredAsText(column, "integer")),
            SqliteAffinity.Real when IsExactDouble(number) => new(number, $"field {column.Name}: the integer was stored as a floating-point number"),
            SqliteAffinity.Real => throw new SqliteValueException(
                $"field {column.Name}: the integer has no exact REAL (most integers beyond ±2^53 have none), so the column would round it; " +
                "declare the column INTEGER or TEXT."),
            _ => new(number),
        };

    private static SqliteStoredValue FromDecimal(decimal number, SqliteColumn column)
    {
        if (column.Affinity == SqliteAffinity.Text)
        {
            return new(number.ToString(CultureInfo.InvariantCulture), StoredAsText(column, "decimal"));
        }

        if (number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue)
        {
            return FromInteger((long)number, column);
        }

        // SQLite has no decimal type, so a fraction is stored as a REAL, which must read back as the same decimal.
        var real = (double)number;
        if (ToShortestDecimal(real) != number)
        {
            throw new SqliteValueException(
                $"field {column.Name}: the decimal has more significant digits than a REAL can hold (about 15), so SQLite " +
                "would round it; declare the column TEXT to keep exact decimals.");
        }

        // The source reader reads REAL values of NUMERIC and DECIMAL columns back as decimals, so only other columns change.
        var warning = SqliteTypes.IsDecimal(column.DeclaredType)
            ? null
            : $"field {column.Name}: the decimal was stored as a floating-point number";
        return new(real, warning);
    }

    private static SqliteStoredValue FromDouble(double number, SqliteColumn column)
    {
        if (double.IsNaN(number))
        {
            // SQLite stores a bound NaN as NULL.
            throw new SqliteValueException(
                $"field {column.Name}: NaN cannot be stored in SQLite, which would store NULL instead; " +
                "replace NaN in the model query, for example with NULL.");
        }

        if (column.Affinity == SqliteAffinity.Text)
        {
            return new(number.ToString("R", CultureInfo.InvariantCulture), StoredAsText(column, "floating-point number"));
        }

        // INTEGER and NUMERIC affinity store a REAL without a fraction as an INTEGER.
        if (column.Affinity is SqliteAffinity.Integer or SqliteAffinity.Numeric
            && number == Math.Truncate(number) && Math.Abs(number) < 9.2e18)
        {
            // A NUMERIC or DECIMAL column reads back as the same decimal number, so only other columns change.
            return SqliteTypes.IsDecimal(column.DeclaredType)
                ? new(number)
                : new(number, $"field {column.Name}: the floating-point number was stored as an integer");
        }

        return new(number);
    }

    private static SqliteStoredValue FromBoolean(bool boolean, SqliteColumn column) =>
        column.Affinity == SqliteAffinity.Text
            ? new(boolean ? "true" : "false", StoredAsText(column, "boolean"))

            // SQLite has no boolean type; 1 and 0 are what its TRUE and FALSE keywords mean.
            : new(boolean ? 1L : 0L);

    /// <summary>
    /// Checks text bound to an INTEGER, REAL or NUMERIC column, whose affinity turns a well-formed number into an
    /// INTEGER or REAL. That is accepted only when the number reads back as the same text.
    /// </summary>
    private static SqliteStoredValue FromText(string text, SqliteColumn column)
    {
        if (column.Affinity is SqliteAffinity.Text or SqliteAffinity.Blob)
        {
            return new(text);
        }

        // SQLite keeps text that is not a number as text even in a numeric column. The value is unchanged, but in a
        // column declared as a number (not a date or JSON column, which also have numeric affinity) its type is not the column's.
        if (!NumberText().IsMatch(text))
        {
            return SqliteTypes.ToFieldType(column.DeclaredType) == FieldType.Number
                ? new(text, $"field {column.Name}: the text is not a number, so it was stored as text in a column declared {column.DeclaredType}")
                : new(text);
        }

        if (column.Affinity != SqliteAffinity.Real
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            && integer.ToString(CultureInfo.InvariantCulture) == text)
        {
            return new(integer, $"field {column.Name}: the text was stored as an integer because the column has {column.Affinity} affinity");
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && real != Math.Truncate(real)
            && real.ToString("R", CultureInfo.InvariantCulture) == text)
        {
            return new(real, $"field {column.Name}: the text was stored as a floating-point number because the column has {column.Affinity} affinity");
        }

        throw new SqliteValueException(
            $"field {column.Name}: the text looks like a number, and the column's {column.Affinity} affinity would store it as " +
            "a number that reads back as different text (for example \"1\" as 1.0, \"007\" as 7, or a rounded value); declare the column TEXT.");
    }

    private static string StoredAsText(SqliteColumn column, string kind) => $"field {column.Name}: the {kind} was stored as text";

    // 2^63 is the first double beyond long's range, and converting a double at or above it to long is undefined.
    private static bool IsExactDouble(long number) => (double)number < 9223372036854775808.0 && (long)(double)number == number;

    /// <summary>Returns the decimal that the shortest round-trip text of <paramref name="real"/> names, or null beyond decimal's range.</summary>
    public static decimal? ToShortestDecimal(double real) =>
        double.IsFinite(real)
        && decimal.TryParse(real.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            ? exact
            : null;

    // The text forms SQLite's numeric affinity converts: an optional sign, digits with an optional point, an
    // optional exponent, and surrounding whitespace.
    [GeneratedRegex(@"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberText();
}
