namespace Outflow.Connectors.Webhook;

/// <summary>
/// How long a webhook request may take and how often a batch is sent again after a timeout, a reset connection,
/// 429 or 5xx. The delay before attempt n+1 is a random duration from 0 to min(<see cref="MaxDelay"/>,
/// <see cref="BaseDelay"/> × 2^(n-1)) ("full jitter"), or the response's Retry-After when it gives one.
/// </summary>
internal sealed record WebhookRetryPolicy
{
    public static readonly WebhookRetryPolicy Default = new();

    public int MaxAttempts { get; init; } = 6;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The maximum time from a batch's first attempt to its last. A retry that would start later fails the batch at once.
    /// </summary>
    public TimeSpan MaxElapsed { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns the backoff before attempt <paramref name="attempt"/> + 1 when the response set no Retry-After.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
