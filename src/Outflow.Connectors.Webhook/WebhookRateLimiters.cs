namespace Outflow.Connectors.Webhook;

/// <summary>
/// Spaces requests to each webhook URL so that all syncs of this process together send at most the configured rate.
/// When connections to one URL configure different rates, the lowest one applies to all of them.
/// </summary>
/// <remarks>NOTE: the limit applies per process, so a cluster of N workers can send up to N times the rate to one URL.</remarks>
internal sealed class WebhookRateLimiters(TimeProvider time)
{
    private readonly Dictionary<string, UrlSchedule> _schedules = new(StringComparer.Ordinal);

    /// <summary>Waits until the next request to <paramref name="url"/> may start, then reserves its slot.</summary>
    public async Task WaitAsync(Uri url, double requestsPerSecond, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        TimeSpan delay;
        lock (_schedules)
        {
            var key = url.GetLeftPart(UriPartial.Query);
            if (!_schedules.TryGetValue(key, out var schedule))
            {
                schedule = new UrlSchedule();
                _schedules[key] = schedule;
            }

            if (schedule.Interval < interval)
            {
                schedule.Interval = interval;
            }

            var now = time.GetUtcNow();
            var start = schedule.NextStart > now ? schedule.NextStart : now;
            schedule.NextStart = start + schedule.Interval;
            delay = start - now;
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class UrlSchedule
    {
        public DateTimeOffset NextStart { get; set; } = DateTimeOffset.MinValue;

        public TimeSpan Interval { get; set; }
    }
}
