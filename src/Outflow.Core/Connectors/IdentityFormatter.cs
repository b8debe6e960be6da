using System.Globalization;

namespace Outflow.Core.Connectors;

/// <summary>
/// The canonical text of identity values, which the engine matches and logs records by. Equal values of different
/// source types get the same text (the long 42, the decimal 42.00 and the string "42" are all "42"). A column whose
/// type changes therefore keeps matching the records it wrote, and a target that returns an identity in another
/// JSON type still names its record.
/// </summary>
public static class IdentityFormatter
{
    /// <summary>Returns the canonical text of an identity value, or null for a null or empty value.</summary>
    public static string? Format(object? value)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            decimal d => FormatDecimal(d),
            double f => f.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            DateTimeOffset instant => instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            DateTime timestamp => timestamp.ToString("O", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            byte[] bytes => Convert.ToHexStringLower(bytes),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };

        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static string FormatDecimal(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (!text.Contains('.', StringComparison.Ordinal))
        {
            return text;
        }

        // Scale is not part of a number's value: 42.50 and 42.5 name the same record.
        text = text.TrimEnd('0').TrimEnd('.');
        return text == "-0" ? "0" : text;
    }
}
