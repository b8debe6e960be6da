using System.Text;

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
        var length = text.EnumerateRunes().Count();
        if (length <= maxLength)
        {
            return (length, false);
        }

        var index = 0;
        for (var i = 0; i < maxLength; i++)
        {
            index += Rune.GetRuneAt(text, index).Utf16SequenceLength;
        }

        return (length, text.AsSpan(index).Trim(' ').Length > 0);
    }
}
