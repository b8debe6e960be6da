using System.Globalization;

namespace Outflow.Bench;

/// <summary>Command-line settings of the API load run (<c>outflow-bench load</c>).</summary>
internal sealed record LoadOptions
{
    /// <summary>Directory for the server's data directory and the SQLite source and targets, which the caller removes.</summary>
    public required string WorkDirectory { get; init; }

    public required string RepositoryDirectory { get; init; }

    /// <summary>How long the clients send requests.</summary>
    public int Seconds { get; init; } = 60;

    /// <summary>Concurrent clients, each sending its next request when the previous response has arrived.</summary>
    public int Clients { get; init; } = 50;

    /// <summary>API keys the clients share round-robin; the rate limit applies per key. Default: one per client.</summary>
    public int? Keys { get; init; }

    /// <summary>Rows of the generated SQLite model that every busy sync reads.</summary>
    public long Rows { get; init; } = 100_000;

    /// <summary>Syncs of the whole model that the clients start again and again; one small sync of 100 rows comes on top.</summary>
    public int Syncs { get; init; } = 4;

    /// <summary><c>sqlite</c> for the embedded store, or a PostgreSQL connection string for the server's store.</summary>
    public string Store { get; init; } = "sqlite";

    public int RateLimitPerSecond { get; init; } = 50;

    public int RateLimitBurst { get; init; } = 100;

    public int KeyCount => Keys ?? Clients;

    public const string Usage = """
        Usage: outflow-bench load --work DIR [options]

        Starts `outflow serve` (Release build) on 127.0.0.1 with the API rate limit on, and runs concurrent
        clients against its API for a fixed time while the busy syncs execute again and again. Prints one
        JSON object with per-route latency percentiles on stdout and exits 1 when a response was neither 2xx,
        429 nor an expected 409, a request failed to connect, or an execution did not complete.

          --work DIR              existing directory for the server's data and the SQLite files (required)
          --repo DIR              repository root with a Release build of src/Outflow (default: current directory)
          --seconds N             how long the clients send requests (default: 60)
          --clients N             concurrent clients (default: 50)
          --keys N                API keys, shared by the clients round-robin (default: one per client)
          --rows N                rows of the SQLite model the busy syncs read (default: 100000)
          --syncs N               syncs of the whole model the clients start again and again (default: 4),
                                  next to one sync of its first 100 rows
          --store STORE           sqlite, or a PostgreSQL connection string for the server's store (default: sqlite)
          --rate-limit N          the server's requests per second per API key (default: 50, the server's default)
          --rate-burst N          the server's burst per API key (default: 100, the server's default)
        """;

    /// <summary>Parses the arguments after <c>load</c>. A later occurrence of an option overrides an earlier one.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var known = new[]
        {
            "--work", "--repo", "--seconds", "--clients", "--keys", "--rows", "--syncs", "--store", "--rate-limit",
            "--rate-burst",
        };
        var values = OptionValues.Parse(args, known);

        if (!values.TryGetValue("--work", out var work))
        {
            throw new ArgumentException("Missing required option --work.");
        }

        var defaults = new LoadOptions { WorkDirectory = "", RepositoryDirectory = "" };
        var options = new LoadOptions
        {
            WorkDirectory = Path.GetFullPath(work),
            RepositoryDirectory = Path.GetFullPath(values.GetValueOrDefault("--repo") ?? Directory.GetCurrentDirectory()),
            Seconds = (int)ReadPositive(values, "--seconds", defaults.Seconds),
            Clients = (int)ReadPositive(values, "--clients", defaults.Clients),
            Keys = values.ContainsKey("--keys") ? (int)ReadPositive(values, "--keys", 0) : null,
            Rows = ReadPositive(values, "--rows", defaults.Rows),
            Syncs = (int)ReadPositive(values, "--syncs", defaults.Syncs),
            Store = values.GetValueOrDefault("--store") ?? defaults.Store,
            RateLimitPerSecond = (int)ReadPositive(values, "--rate-limit", defaults.RateLimitPerSecond),
            RateLimitBurst = (int)ReadPositive(values, "--rate-burst", defaults.RateLimitBurst),
        };

        if (options.KeyCount > options.Clients)
        {
            throw new ArgumentException($"--keys {options.KeyCount} is more than --clients {options.Clients}: each key needs a client.");
        }

        if (options.RateLimitBurst < options.RateLimitPerSecond)
        {
            throw new ArgumentException(
                $"--rate-burst {options.RateLimitBurst} is less than --rate-limit {options.RateLimitPerSecond}: the server rejects that.");
        }

        return options;
    }

    private static long ReadPositive(Dictionary<string, string> values, string name, long fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"Invalid value '{text}' for {name}: expected a positive whole number.");
    }
}
