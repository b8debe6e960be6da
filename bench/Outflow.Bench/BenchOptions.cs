using System.Globalization;

namespace Outflow.Bench;

/// <summary>Command-line settings of one harness run. Every row count is a parameter, so that small runs can test the harness.</summary>
internal sealed record BenchOptions
{
    public required int PostgresPort { get; init; }

    /// <summary>Directory for server data directories, CSV files and SQLite files, which the caller removes.</summary>
    public required string WorkDirectory { get; init; }

    public required string RepositoryDirectory { get; init; }

    public string Mode { get; init; } = "custom";

    /// <summary>Rows of the generated model that scenarios 1, 2, 3, 4 and 7 read.</summary>
    public long Rows { get; init; } = 250_000;

    /// <summary>Pairs of alternating runs per ratio. Each ratio is the median over the pairs.</summary>
    public int Pairs { get; init; } = 3;

    /// <summary>Row counts of the full syncs that each start a fresh server to read its peak memory, smallest first.</summary>
    public IReadOnlyList<long> MemoryRows { get; init; } = [100_000, 1_000_000];

    /// <summary>Executions inserted into the store for the List Executions scenario.</summary>
    public long Executions { get; init; } = 100_000;

    /// <summary>The page of List Executions timed against page 1.</summary>
    public int Page { get; init; } = 1_000;

    /// <summary>Timed requests per page in the List Executions scenario.</summary>
    public int PageRequests { get; init; } = 1_000;

    /// <summary>Directory for the PNG charts, or null for no charts.</summary>
    public string? ChartDirectory { get; init; }

    public const string Usage = """
        Usage: outflow-bench --pg-port PORT --work DIR [options]

        Runs Outflow's benchmarks against a PostgreSQL cluster on 127.0.0.1:PORT (user postgres, trust
        authentication) and prints one JSON object of ratios on stdout. Progress goes to stderr.

          --pg-port PORT          port of the PostgreSQL cluster on 127.0.0.1 (required)
          --work DIR              existing directory for servers' data, CSV and SQLite files (required)
          --repo DIR              repository root with a Release build of src/Outflow (default: current directory)
          --mode NAME             label written to the output, such as quick or full (default: custom)
          --rows N                rows of the generated model (default: 250000)
          --pairs N               alternating pairs per ratio (default: 3)
          --memory-rows N,N,...   row counts of the fresh-server full syncs, at least two (default: 100000,1000000)
          --executions N          executions inserted for the List Executions scenario (default: 100000)
          --page N                page of List Executions timed against page 1 (default: 1000)
          --page-requests N       timed requests of each page (default: 1000)
          --chart-dir DIR         write throughput.png and memory.png there (default: no charts)
        """;

    /// <summary>Parses the arguments. A later occurrence of an option overrides an earlier one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var known = new[]
        {
            "--pg-port", "--work", "--repo", "--mode", "--rows", "--pairs", "--memory-rows", "--executions", "--page",
            "--page-requests", "--chart-dir",
        };
        var values = OptionValues.Parse(args, known);

        var defaults = new BenchOptions { PostgresPort = 0, WorkDirectory = "", RepositoryDirectory = "" };
        var options = new BenchOptions
        {
            PostgresPort = (int)ReadPositive(values, "--pg-port", null),
            WorkDirectory = Path.GetFullPath(Required(values, "--work")),
            RepositoryDirectory = Path.GetFullPath(values.GetValueOrDefault("--repo") ?? Directory.GetCurrentDirectory()),
            Mode = values.GetValueOrDefault("--mode") ?? defaults.Mode,
            Rows = ReadPositive(values, "--rows", defaults.Rows),
            Pairs = (int)ReadPositive(values, "--pairs", defaults.Pairs),
            MemoryRows = values.TryGetValue("--memory-rows", out var list)
                ? list.Split(',').Select(item => ParsePositive("--memory-rows", item)).Order().ToList()
                : defaults.MemoryRows,
            Executions = ReadPositive(values, "--executions", defaults.Executions),
            Page = (int)ReadPositive(values, "--page", defaults.Page),
            PageRequests = (int)ReadPositive(values, "--page-requests", defaults.PageRequests),
            ChartDirectory = values.TryGetValue("--chart-dir", out var chart) ? Path.GetFullPath(chart) : null,
        };

        if (options.MemoryRows.Count < 2)
        {
            throw new ArgumentException("--memory-rows needs at least two row counts, such as 100000,1000000.");
        }

        if (options.Page < 2 || options.Executions < (long)options.Page * ListExecutionsScenario.PageSize)
        {
            throw new ArgumentException(
                $"--page {options.Page} needs a page of at least 2 and --executions of at least " +
                $"{(long)Math.Max(options.Page, 2) * ListExecutionsScenario.PageSize} ({ListExecutionsScenario.PageSize} per page).");
        }

        return options;
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"Missing required option {name}.");

    private static long ReadPositive(Dictionary<string, string> values, string name, long? fallback)
    {
        if (values.TryGetValue(name, out var text))
        {
            return ParsePositive(name, text);
        }

        return fallback ?? throw new ArgumentException($"Missing required option {name}.");
    }

    private static long ParsePositive(string name, string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"Invalid value '{text}' for {name}: expected a positive whole number.");
}
