namespace Outflow.Connectors.Webhook;

/// <summary>
/// Spaces requests to each webhook URL. Every request to a URL, from any connection of this process, records its
/// start time. A connection with a rate of R requests per second starts its next request no earlier than 1/R seconds
/// after the latest start recorded for the URL. It therefore counts the requests of every other connection as well
/// as its own. A connection without a rate starts at once but is still recorded.
/// </summary>
/// <remarks>
/// Each request uses the rate of the connection that sends it, so a changed rate applies from the next request, and
/// connections to one URL with different rates each keep their own spacing. NOTE: the limit applies per process, so
/// a cluster of N workers can send up to N times the rate to one URL.
/// </remarks>
internal sealed class WebhookRateLimiters(TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _latestStarts = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits until a request to <paramref name="url"/> at <paramref name="requestsPerSecond"/> may start, and records
    /// its start so that later requests to the URL are spaced from it. A null rate records the start without waiting.
    /// </summary>
    public async Task WaitAsync(Uri url, double? requestsPerSecond, CancellationToken cancellationToken)
    {
        TimeSpan delay;
        lock (_latestStarts)
        {
            var key = url.GetLeftPart(UriPartial.Query);
            var now = time.GetUtcNow();
            var latest = _latestStarts.GetValueOrDefault(key, DateTimeOffset.MinValue);
            var start = now;
            if (requestsPerSecond is { } rate && latest + TimeSpan.FromSeconds(1 / rate) > now)
            {
                start = latest + TimeSpan.FromSeconds(1 / rate);
            }

            // An unlimited request starts now, but must not move back a later start that a limited request reserved.
            _latestStarts[key] = start > latest ? start : latest;
            delay = start - now;
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
