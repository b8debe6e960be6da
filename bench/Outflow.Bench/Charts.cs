using ScottPlot;

namespace Outflow.Bench;

/// <summary>PNG charts of the fresh-server full syncs against row count, drawn with ScottPlot.</summary>
internal static class Charts
{
    private const int Width = 800;
    private const int Height = 500;

    /// <summary>Writes throughput.png (Outflow and the COPY pipe, rows per second) and memory.png (VmHWM in MB of 10^6 bytes).</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<SeriesPoint> points, string subtitle)
    {
        Directory.CreateDirectory(directory);
        var rows = points.Select(point => (double)point.Rows).ToArray();

        var throughput = new Plot();
        var outflow = throughput.Add.Scatter(rows, points.Select(point => point.OutflowRowsPerSecond).ToArray());
        outflow.LegendText = "Outflow full sync, PostgreSQL to PostgreSQL";
        var pipe = throughput.Add.Scatter(rows, points.Select(point => point.PipeRowsPerSecond).ToArray());
        pipe.LegendText = "psql COPY TO STDOUT | psql COPY FROM STDIN";
        throughput.Title($"Throughput ({subtitle})");
        throughput.XLabel("rows");
        throughput.YLabel("rows per second");
        throughput.Axes.SetLimitsY(0, Math.Max(points.Max(point => point.PipeRowsPerSecond), points.Max(point => point.OutflowRowsPerSecond)) * 1.1);
        throughput.ShowLegend(Alignment.UpperLeft);
        var throughputPath = Path.Combine(directory, "throughput.png");
        throughput.SavePng(throughputPath, Width, Height);

        var memory = new Plot();
        var peak = memory.Add.Scatter(rows, points.Select(point => point.PeakMegabytes).ToArray());
        peak.LegendText = "outflow serve peak resident memory (VmHWM)";
        var limit = memory.Add.HorizontalLine(200);
        limit.LegendText = "200 MB limit";
        limit.LinePattern = LinePattern.Dashed;
        memory.Title($"Peak memory after one full sync ({subtitle})");
        memory.XLabel("rows");
        memory.YLabel("MB (10^6 bytes)");
        memory.Axes.SetLimitsY(0, Math.Max(220, points.Max(point => point.PeakMegabytes) * 1.1));
        memory.ShowLegend(Alignment.UpperLeft);
        var memoryPath = Path.Combine(directory, "memory.png");
        memory.SavePng(memoryPath, Width, Height);

        return [throughputPath, memoryPath];
    }
}
