using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>How a response or a failed request of the load run counts toward its pass criteria.</summary>
internal enum LoadOutcome
{
    /// <summary>A 2xx response.</summary>
    Success,

    /// <summary>A 429 from the API rate limiter.</summary>
    RateLimited,

    /// <summary>A 409 from Start Sync because the sync already has an execution in progress.</summary>
    ExpectedConflict,

    /// <summary>Any other status, which fails the run.</summary>
    Unexpected,

    /// <summary>No response: the connection failed or the request timed out, which fails the run.</summary>
    ConnectionError,
}

/// <summary>The requests of every client of the load run, per route: latencies, rate-limited and failed requests.</summary>
internal sealed class LoadStatistics
{
    /// <summary>Failure messages kept for the output; the counts include every failure.</summary>
    private const int MaxFailureSamples = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RouteStatistics> _routes = new(StringComparer.Ordinal);
    private readonly List<string> _failureSamples = [];

    /// <summary>Records one request. Latencies are kept for responses that count as served: 2xx and expected 409s.</summary>
    public void Record(string route, LoadOutcome outcome, double milliseconds, string? failure = null)
    {
        lock (_lock)
        {
            if (!_routes.TryGetValue(route, out var statistics))
            {
                statistics = new RouteStatistics();
                _routes[route] = statistics;
            }

            switch (outcome)
            {
                case LoadOutcome.Success:
                    statistics.Milliseconds.Add(milliseconds);
                    break;
                case LoadOutcome.ExpectedConflict:
                    statistics.Milliseconds.Add(milliseconds);
                    statistics.ExpectedConflicts++;
                    break;
                case LoadOutcome.RateLimited:
                    statistics.RateLimited++;
                    break;
                case LoadOutcome.Unexpected:
                    statistics.Unexpected++;
                    break;
                case LoadOutcome.ConnectionError:
                    statistics.ConnectionErrors++;
                    break;
            }

            if (failure is not null && _failureSamples.Count < MaxFailureSamples)
            {
                _failureSamples.Add($"{route}: {failure}");
            }
        }
    }

    public long Unexpected => Sum(statistics => statistics.Unexpected);

    public long ConnectionErrors => Sum(statistics => statistics.ConnectionErrors);

    /// <summary>Builds the <c>requests</c> and <c>routes</c> parts of the output. Routes are sorted by name.</summary>
    public JsonObject ToJson(TimeSpan duration)
    {
        lock (_lock)
        {
            var routes = new JsonArray();
            foreach (var (route, statistics) in _routes.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                var served = statistics.Milliseconds;
                var total = served.Count + statistics.RateLimited + statistics.Unexpected + statistics.ConnectionErrors;
                routes.Add(new JsonObject
                {
                    ["route"] = route,
                    ["requests"] = total,
                    ["per_second"] = Results.Round(total / duration.TotalSeconds, 1),
                    ["rate_limited"] = statistics.RateLimited,
                    ["expected_conflicts"] = statistics.ExpectedConflicts,
                    ["unexpected"] = statistics.Unexpected,
                    ["connection_errors"] = statistics.ConnectionErrors,
                    ["p50_ms"] = served.Count == 0 ? null : Results.Round(Results.Percentile(served, 50), 1),
                    ["p95_ms"] = served.Count == 0 ? null : Results.Round(Results.Percentile(served, 95), 1),
                    ["p99_ms"] = served.Count == 0 ? null : Results.Round(Results.Percentile(served, 99), 1),
                    ["max_ms"] = served.Count == 0 ? null : Results.Round(served.Max(), 1),
                });
            }

            var all = _routes.Values.ToList();
            var successes = all.Sum(statistics => statistics.Milliseconds.Count - statistics.ExpectedConflicts);
            var requests = all.Sum(statistics =>
                statistics.Milliseconds.Count + statistics.RateLimited + statistics.Unexpected + statistics.ConnectionErrors);
            return new JsonObject
            {
                ["requests"] = new JsonObject
                {
                    ["total"] = requests,
                    ["per_second"] = Results.Round(requests / duration.TotalSeconds, 1),
                    ["success"] = successes,
                    ["rate_limited"] = all.Sum(statistics => statistics.RateLimited),
                    ["expected_conflicts"] = all.Sum(statistics => statistics.ExpectedConflicts),
                    ["unexpected"] = all.Sum(statistics => statistics.Unexpected),
                    ["connection_errors"] = all.Sum(statistics => statistics.ConnectionErrors),
                    ["failure_samples"] = new JsonArray(_failureSamples.Select(sample => (JsonNode?)sample).ToArray()),
                },
                ["routes"] = routes,
            };
        }
    }

    private long Sum(Func<RouteStatistics, long> count)
    {
        lock (_lock)
        {
            return _routes.Values.Sum(count);
        }
    }

    private sealed class RouteStatistics
    {
        public List<double> Milliseconds { get; } = [];

        public long RateLimited { get; set; }

        public long ExpectedConflicts { get; set; }

        public long Unexpected { get; set; }

        public long ConnectionErrors { get; set; }
    }
}
