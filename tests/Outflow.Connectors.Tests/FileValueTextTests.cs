using Outflow.Connectors.Files;

namespace Outflow.Connectors.Tests;

/// <summary>Holds the files table of docs/TYPE-MAPPING.md: the CSV and JSON Lines text of every value form.</summary>
public sealed class FileValueTextTests
{
    public static TheoryData<object?, string?, string> Values => new()
    {
        { null, null, "null" },
        { true, "true", "true" },
        { -9_223_372_036_854_775_808L, "-9223372036854775808", "-9223372036854775808" },
        { 12345678901234567890.123456789m, "12345678901234567890.123456789", "12345678901234567890.123456789" },
        { 0.1, "0.1", "0.1" },
        { double.PositiveInfinity, "Infinity", "\"Infinity\"" },
        { double.NaN, "NaN", "\"NaN\"" },
        { "", "", "\"\"" },
        { "a,\"b\"\n😀", "a,\"b\"\n😀", "\"a,\\\"b\\\"\\n\\uD83D\\uDE00\"" },
        { "{\"k\":[1]}", "{\"k\":[1]}", "\"{\\\"k\\\":[1]}\"" },
        { new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), "2026-01-02T03:04:05.678+00:00", "\"2026-01-02T03:04:05.678+00:00\"" },
        { new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified), "2026-01-02T03:04:05", "\"2026-01-02T03:04:05\"" },
        { new DateOnly(2026, 1, 2), "2026-01-02", "\"2026-01-02\"" },
        { new TimeOnly(3, 4, 5, 600), "03:04:05.6", "\"03:04:05.6\"" },
        { new byte[] { 0, 255, 16 }, "AP8Q", "\"AP8Q\"" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Value_text_matches_table(object? value, string? csv, string json)
    {
        Assert.Equal(csv, FileValueText.ToCsv(value));
        Assert.Equal(json, FileValueText.ToJson(value));
    }
}
