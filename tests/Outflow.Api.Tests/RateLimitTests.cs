using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Outflow.Api.Tests;

/// <summary>Per-key rate limiting, on a server whose buckets hold <see cref="RateLimitedServerFixture.Burst"/> tokens.</summary>
public sealed class RateLimitTests(RateLimitedServerFixture server) : IClassFixture<RateLimitedServerFixture>
{
    // Far more requests than the bucket contains plus what it refills while they run, unless the machine is
    // slower than one request per second.
    private const int Requests = RateLimitedServerFixture.Burst + 20;

    [Fact]
    public async Task Burst_exceeded_returns_429_with_retry_after()
    {
        var (_, client) = await server.Server.CreateOrganizationAsync();

        var rejected = await SendUntilRejectedAsync(client);

        Assert.NotNull(rejected);
        Assert.Equal(429, rejected.Body!["status"]!.GetValue<int>());
        Assert.Equal("rate_limited", rejected.ErrorKey);
        Assert.Contains("this API key", rejected.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("application/json", rejected.MediaType);
        var retryAfter = int.Parse(rejected.Headers["Retry-After"], NumberStyles.None, CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("2025-09-18", rejected.Headers["X-Polytomic-Version"]);
    }

    [Fact]
    public async Task Throttled_key_leaves_other_key_unaffected()
    {
        var (_, throttled) = await server.Server.CreateOrganizationAsync();
        var (_, other) = await server.Server.CreateOrganizationAsync();

        Assert.NotNull(await SendUntilRejectedAsync(throttled));
        var response = await other.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Anonymous_flood_leaves_keys_unaffected()
    {
        using var anonymous = server.Server.CreateClient(new AuthenticationHeaderValue("Bearer", "not-a-valid-key-0123456789"));
        var (_, client) = await server.Server.CreateOrganizationAsync();

        var rejected = await SendUntilRejectedAsync(anonymous);
        var response = await client.GetAsync("/api/me");

        Assert.NotNull(rejected);
        Assert.Equal("rate_limited", rejected.ErrorKey);
        Assert.Contains("without a valid API key", rejected.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Health_routes_have_no_limit()
    {
        using var anonymous = server.Server.CreateClient(null);

        for (var i = 0; i < Requests; i++)
        {
            var response = await anonymous.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, response.Status);
        }
    }

    private static async Task<ApiResponse?> SendUntilRejectedAsync(ApiClient client)
    {
        for (var i = 0; i < Requests; i++)
        {
            var response = await client.GetAsync("/api/me");
            if (response.Status == HttpStatusCode.TooManyRequests)
            {
                return response;
            }
        }

        return null;
    }
}
