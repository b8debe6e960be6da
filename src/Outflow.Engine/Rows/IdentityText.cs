using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Outflow.Core.Connectors;

namespace Outflow.Engine.Rows;

/// <summary>
/// The text form of identity values under the <c>Equality</c> function, and their hashes. Equal values of
/// different source types get the same text (the long 42, the decimal 42.00 and the string "42" are all
/// "42"), so a column whose type changes keeps matching the records it wrote.
/// </summary>
internal static class IdentityText
{
    /// <summary>Returns the normalized text of an identity value, or null for a null or empty value.</summary>
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

    /// <summary>
    /// Reduces an identity text the way the target compares identities, so texts the target takes for one record
    /// become equal. Returns null when nothing is left.
    /// </summary>
    public static string? Reduce(string text, IdentityComparison comparison)
    {
        if (comparison == IdentityComparison.Exact)
        {
            return text;
        }

        if (comparison.HasFlag(IdentityComparison.IgnoreTrailingSpaces))
        {
            text = text.TrimEnd(' ');
        }

        if (comparison.HasFlag(IdentityComparison.IgnoreCase))
        {
            text = text.ToLowerInvariant();
        }
        else if (comparison.HasFlag(IdentityComparison.IgnoreAsciiCase))
        {
            text = string.Create(text.Length, text, static (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + ('a' - 'A')) : source[i];
                }
            });
        }

        return text.Length == 0 ? null : text;
    }

    /// <summary>Computes the XXH128 hash of the identity text's UTF-8 bytes, the key of change-detection state.</summary>
    public static UInt128 Hash(string identity)
    {
        var length = Encoding.UTF8.GetMaxByteCount(identity.Length);
        if (length <= 512)
        {
            Span<byte> buffer = stackalloc byte[512];
            var written = Encoding.UTF8.GetBytes(identity, buffer);
            return XxHash128.HashToUInt128(buffer[..written]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(identity, rented);
            return XxHash128.HashToUInt128(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
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
