using System.Text;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

public sealed class CharacterLimitTests
{
    [Theory]
    [InlineData("", 3, 0, false)]
    [InlineData("abc", 3, 3, false)]
    [InlineData("abcd", 3, 4, true)]
    [InlineData("abc  ", 3, 5, false)]
    [InlineData("abc d", 3, 5, true)]
    [InlineData("ab", 3, 2, false)]
    [InlineData("a😀b", 3, 3, false)]
    [InlineData("😀😀😀", 3, 3, false)]
    [InlineData("😀😀😀😀", 3, 4, true)]
    [InlineData("😀😀😀 ", 3, 4, false)]
    [InlineData("abc😀", 3, 4, true)]
    [InlineData("abc 😀", 3, 5, true)]
    [InlineData("ü€ab", 4, 4, false)]
    public void Measure_counts_code_points(string text, int maxLength, int length, bool cutsContent)
    {
        Assert.Equal((length, cutsContent), CharacterLimit.Measure(text, maxLength));
    }

    [Fact]
    public void Measure_counts_unpaired_surrogate_once()
    {
        Assert.Equal((3, false), CharacterLimit.Measure("a\uD83Db", 3));
        Assert.Equal((3, false), CharacterLimit.Measure("ab\uDE00", 3));
        Assert.Equal((4, true), CharacterLimit.Measure("\uDE00\uD83Dab", 3));
        Assert.Equal((3, true), CharacterLimit.Measure("ab\uD83D", 2));
    }

    [Fact]
    public void Measure_matches_rune_enumeration()
    {
        string[] pieces = ["a", " ", "ü", "😀", "\uD83D", "\uDE00", "\t"];
        var random = new Random(20261206);
        for (var round = 0; round < 5_000; round++)
        {
            var text = new StringBuilder();
            for (var i = random.Next(0, 12); i > 0; i--)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            var value = text.ToString();
            var maxLength = random.Next(0, 10);
            Assert.True(
                ByRunes(value, maxLength) == CharacterLimit.Measure(value, maxLength),
                $"text {Escape(value)} with maximum {maxLength}");
        }
    }

    // Counts by enumerating runes, which reads an unpaired surrogate as one replacement character.
    private static (int Length, bool CutsContent) ByRunes(string text, int maxLength)
    {
        var runes = text.EnumerateRunes().ToList();
        return (runes.Count, runes.Skip(maxLength).Any(rune => rune.Value != ' '));
    }

    private static string Escape(string text) => string.Concat(text.Select(c => $"\\u{(int)c:X4}"));
}
