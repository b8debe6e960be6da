using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>Exception for an execution that did not complete or whose counts or target rows are wrong, which makes the harness exit 1.</summary>
internal sealed class BenchCheckException(string message) : Exception(message);

/// <summary>Medians, percentiles and the JSON shape of one scenario's ratio.</summary>
internal static class Results
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Returns the nearest-rank percentile (0 to 100) of the values.</summary>
    public static double Percentile(IEnumerable<double> values, double percent)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>
    /// Builds a scenario's result: its ratio, the target the ratio must meet and whether it does. A null ratio (not
    /// measurable yet) has <c>pass: null</c> and a <c>reason</c>.
    /// </summary>
    public static JsonObject Ratio(double? ratio, Target target, string? reason = null)
    {
        var result = new JsonObject
        {
            ["ratio"] = ratio is null ? null : Math.Round(ratio.Value, 4),
            ["target"] = target.ToJson(),
            ["pass"] = ratio is null ? null : target.IsMet(ratio.Value),
        };
        if (reason is not null)
        {
            result["reason"] = reason;
        }

        return result;
    }

    public static double Round(double value, int digits = 3) => Math.Round(value, digits);

    public static JsonArray ToJson(IEnumerable<double> values, int digits = 4) =>
        new(values.Select(value => (JsonNode?)Math.Round(value, digits)).ToArray());
}

/// <summary>A bound on a ratio: at least <see cref="Min"/> or at most <see cref="Max"/>.</summary>
internal sealed record Target(double? Min, double? Max)
{
    public static Target AtLeast(double value) => new(value, null);

    public static Target AtMost(double value) => new(null, value);

    public bool IsMet(double ratio) => (Min is null || ratio >= Min) && (Max is null || ratio <= Max);

    public JsonObject ToJson() => Min is not null ? new JsonObject { ["min"] = Min } : new JsonObject { ["max"] = Max };
}
