using System.Globalization;

namespace Outflow.Connectors.MySql;

/// <summary>
/// Checks numbers against the column types that would change them without an error: in strict mode MySQL and MariaDB
/// round a decimal to the column's scale and a number to the nearest FLOAT or DOUBLE, with at most a note.
/// </summary>
internal static class MySqlNumbers
{
    // Doubles at or beyond 2^63 have no 64-bit integer.
    private const double IntegerLimit = 9223372036854775808.0;

    /// <summary>Checks a whole number against the range of an integer column; other integer-like columns (YEAR, BIT) are left to the server.</summary>
    public static void CheckIntegerRange(decimal number, object value, MySqlColumn column)
    {
        (decimal Min, decimal Max) range = column.DataType switch
        {
            "tinyint" => column.IsUnsigned ? (0m, byte.MaxValue) : (sbyte.MinValue, sbyte.MaxValue),
            "smallint" => column.IsUnsigned ? (0m, ushort.MaxValue) : (short.MinValue, short.MaxValue),
            "mediumint" => column.IsUnsigned ? (0m, 16777215m) : (-8388608m, 8388607m),
            "int" => column.IsUnsigned ? (0m, uint.MaxValue) : (int.MinValue, int.MaxValue),
            "bigint" => column.IsUnsigned ? (0m, ulong.MaxValue) : (long.MinValue, long.MaxValue),
            _ => (decimal.MinValue, decimal.MaxValue),
        };

        if (number < range.Min || number > range.Max)
        {
            throw new MySqlValueException(
                $"field {column.Name}: {MySqlValues.Format(value)} is outside the range of the column type {column.ColumnType}, " +
                $"which is {range.Min} to {range.Max}; map the field to a wider column or filter the value out in the model query.");
        }
    }

    /// <summary>Converts a value for a DECIMAL column, rejecting a value the column would round or cannot hold.</summary>
    public static MySqlStoredValue ToDecimal(object value, MySqlColumn column)
    {
        switch (value)
        {
            case long number:
                CheckDigits(number.ToString(CultureInfo.InvariantCulture), value, column);
                return new(value);
            case decimal number:
                CheckDigits(number.ToString(CultureInfo.InvariantCulture), value, column);
                return new(value);
            case double number when ToShortestDecimal(number) is { } exact:
                CheckDigits(exact.ToString(CultureInfo.InvariantCulture), value, column);
                return new(exact, $"field {column.Name}: the floating-point number was stored as a decimal");
            case string text when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                CheckDigits(IsPlainNumber(text) ? text.Trim() : number.ToString(CultureInfo.InvariantCulture), value, column);
                return new(value);
            default:
                return new(value);
        }
    }

    /// <summary>
    /// Converts a value for a FLOAT or DOUBLE column, rejecting a value without an exact equal in the column. A FLOAT
    /// counts as equal when its shortest text is the value's, because the MySQL source reads a FLOAT as that text.
    /// </summary>
    public static MySqlStoredValue ToFloatingPoint(object value, MySqlColumn column)
    {
        var isFloat = column.DataType == "float";
        switch (value)
        {
            case long number when isFloat ? ToShortestDecimal((float)number) == number : IsExact((double)number, number):
                CheckScale(number, value, column);
                return new(value, $"field {column.Name}: the integer was stored as a floating-point number");
            case long:
                throw Rounded(value, column, "bigint or decimal");
            case decimal number when (isFloat ? ToShortestDecimal((float)number) : ToShortestDecimal((double)number)) == number:
                CheckScale(number, value, column);
                return new(value, $"field {column.Name}: the decimal was stored as a floating-point number");
            case decimal:
                throw Rounded(value, column, "decimal");
            case double number when !double.IsFinite(number):
                throw new MySqlValueException(
                    $"field {column.Name}: {MySqlValues.Format(number)} cannot be stored, because MySQL and MariaDB have no NaN or infinity");
            case double number when isFloat && ShortestText((float)number) != ShortestText(number):
                throw Rounded(value, column, "double");
            case double number:
                if (ToShortestDecimal(number) is { } exact)
                {
                    CheckScale(exact, value, column);
                }

                return new(value);
            case string text when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                return ToFloatingPoint(number, column) with { Value = value, Warning = null };
            default:
                return new(value);
        }
    }

    /// <summary>Checks the digits of a plain decimal text (no exponent) against the precision and scale of a DECIMAL column.</summary>
    private static void CheckDigits(string text, object value, MySqlColumn column)
    {
        if (column.Length is not { } precision || column.Scale is not { } scale)
        {
            return;
        }

        var unsigned = text.TrimStart('+', '-');
        var point = unsigned.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = (point < 0 ? unsigned : unsigned[..point]).TrimStart('0').Length;
        var fractionDigits = point < 0 ? 0 : unsigned[(point + 1)..].TrimEnd('0').Length;
        if (fractionDigits > scale)
        {
            throw new MySqlValueException(
                $"field {column.Name}: {MySqlValues.Format(value)} has more decimal places than the {scale} of the column type " +
                $"{column.ColumnType}, which would round it; round it in the model query or widen the column's scale.");
        }

        if (integerDigits > precision - scale)
        {
            throw new MySqlValueException(
                $"field {column.Name}: {MySqlValues.Format(value)} has more digits before the decimal point than the " +
                $"{precision - scale} of the column type {column.ColumnType}; widen the column's precision.");
        }

        if (text.StartsWith('-') && column.IsUnsigned && (integerDigits > 0 || fractionDigits > 0))
        {
            throw new MySqlValueException(
                $"field {column.Name}: {MySqlValues.Format(value)} is negative, which the column type {column.ColumnType} cannot store.");
        }
    }

    // FLOAT(M,D) and DOUBLE(M,D), deprecated but still accepted, round to D decimal places.
    private static void CheckScale(decimal number, object value, MySqlColumn column)
    {
        if (column.Scale is { } scale && scale <= 28 && decimal.Round(number, scale) != number)
        {
            throw new MySqlValueException(
                $"field {column.Name}: {MySqlValues.Format(value)} has more decimal places than the {scale} of the column type " +
                $"{column.ColumnType}, which would round it; round it in the model query or widen the column's scale.");
        }
    }

    private static MySqlValueException Rounded(object value, MySqlColumn column, string exactType) =>
        new($"field {column.Name}: {MySqlValues.Format(value)} has no exact value in the column type {column.ColumnType}, " +
            $"which would round it; map the field to a {exactType} column.");

    /// <summary>Returns true when <paramref name="real"/>, the float or double nearest to <paramref name="number"/>, is exactly it.</summary>
    private static bool IsExact(double real, long number) => real < IntegerLimit && (long)real == number;

    private static string ShortestText(float number) => number.ToString("R", CultureInfo.InvariantCulture);

    private static string ShortestText(double number) => number.ToString("R", CultureInfo.InvariantCulture);

    private static decimal? ToShortestDecimal(float number) =>
        float.IsFinite(number)
        && decimal.TryParse(ShortestText(number), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            ? exact
            : null;

    private static decimal? ToShortestDecimal(double number) =>
        double.IsFinite(number)
        && decimal.TryParse(ShortestText(number), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            ? exact
            : null;

    /// <summary>Returns true for text such as <c>-12.50</c>, whose digits can be counted as written.</summary>
    private static bool IsPlainNumber(string text)
    {
        var trimmed = text.Trim().TrimStart('+', '-');
        return trimmed.Length > 0 && trimmed.All(c => char.IsAsciiDigit(c) || c == '.') && trimmed.Count(c => c == '.') <= 1;
    }
}
