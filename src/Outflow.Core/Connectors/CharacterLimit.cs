namespace Outflow.Core.Connectors;

/// <summary>
/// Text measured against a column's maximum length in characters, counted as Unicode code points, the way
/// PostgreSQL and MySQL's utf8mb4 columns count them: a character outside the BMP counts once.
/// </summary>
public static class CharacterLimit
{
    /// <summary>
    /// Returns the text's length in code points, and whether the part beyond <paramref name="maxLength"/> contains
    /// anything but spaces, which a column of that length would lose.
    /// </summary>
    public static (int Length, bool CutsContent) Measure(string text, int maxLength)
    {
        var chars = text.AsSpan();

        // Only a surrogate pair makes the count differ from the number of UTF-16 units, and most text has none.
        var firstSurrogate = chars.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (firstSurrogate < 0)
        {
            return (chars.Length, chars.Length > maxLength && chars[maxLength..].Trim(' ').Length > 0);
        }

        var length = firstSurrogate;
        var cut = length >= maxLength ? maxLength : -1;
        for (var i = firstSurrogate; i < chars.Length; length++)
        {
            if (length == maxLength)
            {
                cut = i;
            }

            // An unpaired surrogate counts as one character, as it does when enumerated as runes.
            i += char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
        }

        return (length, length > maxLength && chars[cut..].Trim(' ').Length > 0);
    }
}
