namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// A SQL LIKE pattern: <c>%</c> matches any run of characters, <c>_</c> matches exactly one character (one Unicode
/// code point, so a character outside the BMP counts once), and every other character matches itself, case-sensitively.
/// There is no escape character, so a pattern cannot match a literal <c>%</c> or <c>_</c> only.
/// </summary>
internal sealed class LikePattern
{
    private readonly string _pattern;

    public LikePattern(string pattern)
    {
        _pattern = pattern;
    }

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        var patternIndex = 0;
        var textIndex = 0;

        // The position after the last % and the text position it was tried at, so that a mismatch can retry with
        // the % taking one more character. One backtracking point is enough because a later % subsumes earlier ones.
        var wildcardIndex = -1;
        var wildcardTextIndex = 0;
        while (textIndex < text.Length)
        {
            if (patternIndex < _pattern.Length && _pattern[patternIndex] == '%')
            {
                wildcardIndex = ++patternIndex;
                wildcardTextIndex = textIndex;
                continue;
            }

            if (patternIndex < _pattern.Length && _pattern[patternIndex] == '_')
            {
                patternIndex++;
                textIndex += CharacterLength(text, textIndex);
                continue;
            }

            if (patternIndex < _pattern.Length && _pattern[patternIndex] == text[textIndex])
            {
                patternIndex++;
                textIndex++;
                continue;
            }

            if (wildcardIndex < 0)
            {
                return false;
            }

            wildcardTextIndex += CharacterLength(text, wildcardTextIndex);
            patternIndex = wildcardIndex;
            textIndex = wildcardTextIndex;
        }

        while (patternIndex < _pattern.Length && _pattern[patternIndex] == '%')
        {
            patternIndex++;
        }

        return patternIndex == _pattern.Length;
    }

    private static int CharacterLength(ReadOnlySpan<char> text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
}
