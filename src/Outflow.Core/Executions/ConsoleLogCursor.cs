using System.Globalization;

namespace Outflow.Core.Executions;

/// <summary>
/// The id of a console log entry, <c>"&lt;epoch-ms&gt;-&lt;sequence&gt;"</c>: the entry's Unix time in milliseconds and
/// its number among the execution's entries of that millisecond. Ids of one execution order by both parts.
/// </summary>
public readonly record struct ConsoleLogCursor(long UnixMilliseconds, long Sequence) : IComparable<ConsoleLogCursor>
{
    public int CompareTo(ConsoleLogCursor other)
    {
        var byTime = UnixMilliseconds.CompareTo(other.UnixMilliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    public override string ToString() =>
        UnixMilliseconds.ToString(CultureInfo.InvariantCulture) + "-" + Sequence.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an id of the form <c>"&lt;digits&gt;-&lt;digits&gt;"</c>; signs, spaces and other text fail.</summary>
    public static bool TryParse(string? text, out ConsoleLogCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == text.Length - 1)
        {
            return false;
        }

        var time = text.AsSpan(0, dash);
        var sequence = text.AsSpan(dash + 1);
        if (!IsDigits(time) || !IsDigits(sequence)
            || !long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        cursor = new ConsoleLogCursor(milliseconds, number);
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var character in text)
        {
            if (!char.IsAsciiDigit(character))
            {
                return false;
            }
        }

        return true;
    }
}
