using System.Buffers;
using System.IO.Hashing;
using System.Text;
using Outflow.Core.Connectors;

namespace Outflow.Engine.Rows;

/// <summary>
/// The text form of identity values under the <c>Equality</c> function (see <see cref="IdentityFormatter"/>),
/// and their hashes.
/// </summary>
internal static class IdentityText
{
    /// <summary>Returns the normalized text of an identity value, or null for a null or empty value.</summary>
    public static string? Format(object? value) => IdentityFormatter.Format(value);

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
}
