using Microsoft.Extensions.Time.Testing;
using Outflow.Connectors.Webhook;

namespace Outflow.Connectors.Tests;

/// <summary>Spacing of requests to one URL, on a clock that moves only when the test advances it.</summary>
public sealed class WebhookRateLimitersTests
{
    private static readonly Uri Url = new("http://127.0.0.1:9/hook");

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task RaisedRateAppliesToNextRequest()
    {
        var limiters = new WebhookRateLimiters(_clock);
        await CompletesAsync(limiters.WaitAsync(Url, 1, CancellationToken.None));
        var second = limiters.WaitAsync(Url, 1, CancellationToken.None);
        await AssertPendingAsync(second);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await CompletesAsync(second);

        // At 5 requests per second the next request waits 0.2 s after the previous start, not the old 1 s.
        var third = limiters.WaitAsync(Url, 5, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(199));
        await AssertPendingAsync(third);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await CompletesAsync(third);
    }

    [Fact]
    public async Task LoweredRateAppliesToNextRequest()
    {
        var limiters = new WebhookRateLimiters(_clock);
        await CompletesAsync(limiters.WaitAsync(Url, 10, CancellationToken.None));

        var next = limiters.WaitAsync(Url, 1, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        await AssertPendingAsync(next);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await CompletesAsync(next);
    }

    [Fact]
    public async Task UnlimitedRequestIsNotDelayed()
    {
        var limiters = new WebhookRateLimiters(_clock);
        await CompletesAsync(limiters.WaitAsync(Url, 1, CancellationToken.None));
        var limited = limiters.WaitAsync(Url, 1, CancellationToken.None);

        await CompletesAsync(limiters.WaitAsync(Url, null, CancellationToken.None));
        await AssertPendingAsync(limited);
    }

    [Fact]
    public async Task LimitedRequestCountsUnlimitedOnes()
    {
        var limiters = new WebhookRateLimiters(_clock);
        await CompletesAsync(limiters.WaitAsync(Url, 1, CancellationToken.None));
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        await CompletesAsync(limiters.WaitAsync(Url, null, CancellationToken.None));

        // The unlimited request started 0.5 s after the limited one, so the next limited request waits 1 s from it.
        var limited = limiters.WaitAsync(Url, 1, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        await AssertPendingAsync(limited);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await CompletesAsync(limited);
    }

    [Fact]
    public async Task UnlimitedRequestKeepsReservedStart()
    {
        // A limited request reserved the start at 1 s. An unlimited request at 0 s must not move it back, so a
        // third request at 1 per second still waits until 2 s.
        var limiters = new WebhookRateLimiters(_clock);
        await CompletesAsync(limiters.WaitAsync(Url, 1, CancellationToken.None));
        var reserved = limiters.WaitAsync(Url, 1, CancellationToken.None);
        await CompletesAsync(limiters.WaitAsync(Url, null, CancellationToken.None));

        var third = limiters.WaitAsync(Url, 1, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await CompletesAsync(reserved);
        await AssertPendingAsync(third);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await CompletesAsync(third);
    }

    [Fact]
    public async Task OtherUrlIsNotDelayed()
    {
        var limiters = new WebhookRateLimiters(_clock);
        await CompletesAsync(limiters.WaitAsync(Url, 1, CancellationToken.None));

        await CompletesAsync(limiters.WaitAsync(new Uri("http://127.0.0.1:9/other"), 1, CancellationToken.None));
    }

    /// <summary>
    /// Checks that a wait is still pending. A wait released by the clock can finish on another thread shortly after
    /// <see cref="FakeTimeProvider.Advance"/> returns, so the check gives it time to do so. A wait that the clock has
    /// not released stays pending however long this takes, so the check cannot fail on a slow machine.
    /// </summary>
    private static async Task AssertPendingAsync(Task wait)
    {
        await Task.Delay(200);
        Assert.False(wait.IsCompleted);
    }

    /// <summary>Waits for a task that the clock has already released; the timeout only guards against a hang.</summary>
    private static Task CompletesAsync(Task wait) => wait.WaitAsync(TimeSpan.FromSeconds(10));
}
