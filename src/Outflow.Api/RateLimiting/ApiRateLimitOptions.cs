namespace Outflow.Api.RateLimiting;

/// <summary>The token bucket each API key gets, and each client address gets for requests without a valid key.</summary>
public sealed record ApiRateLimitOptions
{
    /// <summary>Tokens added to each bucket per second, which is the sustained request rate; 0 turns rate limiting off. Default: 50.</summary>
    public int PermitsPerSecond { get; init; } = 50;

    /// <summary>The bucket's size, which is the largest burst of requests; at least <see cref="PermitsPerSecond"/>. Default: 100.</summary>
    public int Burst { get; init; } = 100;
}
