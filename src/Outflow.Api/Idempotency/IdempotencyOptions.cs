namespace Outflow.Api.Idempotency;

/// <summary>How long idempotency keys and their stored responses live, and how much of a response is stored.</summary>
public sealed record IdempotencyOptions
{
    /// <summary>How long a completed request's response is replayed for its key. Default: 24 hours.</summary>
    public TimeSpan KeyLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a request may run before another request with its key may take the key over, which only
    /// happens when the first request's process died. Default: 5 minutes.
    /// </summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest response body, in bytes, that is stored for replay. Default: 1 MiB.</summary>
    public int MaxStoredResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>How often each process deletes expired keys from the store. Default: 1 hour.</summary>
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromHours(1);
}
