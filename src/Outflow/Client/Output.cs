using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outflow.Client;

/// <summary>Writes the client commands' results: JSON for scripts, tables and summaries for people.</summary>
internal static class Output
{
    // Output for terminals and scripts, not HTML, so quotes and angle brackets stay as they are instead of \u0022.
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteJson(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Indented));

    /// <summary>
    /// Writes a table with a header row, columns padded to their widest cell and never wrapped, as <c>docker ps</c>
    /// does, so that lines stay whole in pipes and narrow terminals. Empty cells are shown as a dash.
    /// </summary>
    public static void WriteTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var lines = new List<string[]> { headers.ToArray() };
        lines.AddRange(rows.Select(row => row.Select(cell => string.IsNullOrEmpty(cell) ? "-" : cell).ToArray()));
        var widths = headers.Select((_, column) => lines.Max(line => line[column].Length)).ToArray();
        foreach (var line in lines)
        {
            var padded = line.Select((cell, column) => column == line.Length - 1 ? cell : cell.PadRight(widths[column]));
            Console.Out.WriteLine(string.Join("   ", padded));
        }
    }

    /// <summary>Formats a count with thousands separators, as the console log does.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats a timestamp from the API in the local time zone, to the second.</summary>
    public static string? Time(JsonNode? value) =>
        value is null ? null : DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Describes an execution's counts in one line: inserted, updated, deleted, errors and warnings.</summary>
    public static string Counts(JsonNode? counts) =>
        $"{Count(Number(counts, "insert"))} inserted, {Count(Number(counts, "update"))} updated, " +
        $"{Count(Number(counts, "delete"))} deleted, {Count(Number(counts, "error"))} errors, " +
        $"{Count(Number(counts, "warnings"))} warnings";

    public static long Number(JsonNode? node, string name) => node?[name]?.GetValue<long>() ?? 0;

    public static string? Text(JsonNode? node, string name) => node?[name]?.GetValue<string>();
}
