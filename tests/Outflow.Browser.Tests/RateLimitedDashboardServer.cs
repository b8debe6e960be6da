namespace Outflow.Browser.Tests;

/// <summary>A dashboard server whose API key may send 2 requests a second, with bursts of 2.</summary>
public sealed class RateLimitedDashboardServer() : DashboardServer(new Dictionary<string, string>
{
    ["OUTFLOW_RATE_LIMIT_PER_SECOND"] = "2",
    ["OUTFLOW_RATE_LIMIT_BURST"] = "2",
});
