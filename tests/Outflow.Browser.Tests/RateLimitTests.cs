using Microsoft.Playwright;

namespace Outflow.Browser.Tests;

/// <summary>The dashboard against a server that rate-limits its key: it waits out each 429 and then shows the data.</summary>
public sealed class RateLimitTests(RateLimitedDashboardServer server) : IClassFixture<RateLimitedDashboardServer>
{
    private const int SyncCount = 6;

    [Fact]
    public async Task Syncs_list_waits_out_429()
    {
        var syncIds = new List<string>();
        for (var index = 0; index < SyncCount; index++)
        {
            syncIds.Add(await server.CreateSyncAsync(
                $"limited {index}", "demo.sqlite", "SELECT customer_id, email FROM customers", "customer_id",
                "demo-target.sqlite", "customer_value", ["email"]));
        }

        // Let the key's bucket fill again after the setup's requests.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
        var page = await context.NewPageAsync();
        var rejectedRequests = 0;
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("429", StringComparison.Ordinal))
            {
                rejectedRequests++;
            }
        };

        await page.GotoAsync("/");
        await page.GetByLabel("API key").FillAsync(DashboardServer.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        // Six status requests at 2 a second need several waits, and each row gets its status once they pass.
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("rate-limiting this API key");
        foreach (var syncId in syncIds)
        {
            await Assertions.Expect(page.Locator($"tr[data-sync-id='{syncId}'] .badge")).ToHaveTextAsync("never run");
        }

        await Assertions.Expect(page.Locator("#notice")).ToBeHiddenAsync();
        Assert.True(rejectedRequests > 0, "the browser saw no 429 response, so the test did not exercise the retry");
    }
}
