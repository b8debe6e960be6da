using Microsoft.Playwright;

namespace Outflow.Browser.Tests;

/// <summary>
/// Drives the dashboard in headless Chromium against a live <c>outflow serve</c>: logging in, starting, watching,
/// canceling, activating and deactivating syncs, and reading an execution's counts and record errors.
/// </summary>
public sealed class DashboardTests(DashboardServer server) : IClassFixture<DashboardServer>, IAsyncLifetime
{
    private const string CustomerValueQuery =
        "SELECT c.customer_id, c.email, c.first_name, c.last_name, c.country, "
        + "ROUND(COALESCE(SUM(i.total), 0), 2) AS lifetime_value "
        + "FROM customers c LEFT JOIN invoices i ON i.customer_id = c.customer_id GROUP BY c.customer_id";

    private static readonly string[] CustomerFields = ["email", "first_name", "last_name", "country", "lifetime_value"];

    // Long enough for a status poll to see the execution running and for a cancel to land before its end. The
    // test asserts the second: the canceled execution must have inserted fewer rows than the model has.
    private const int LongModelRows = 2_000_000;

    private static readonly TimeSpan ExecutionTimeout = TimeSpan.FromSeconds(90);

    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _consoleErrors = [];

    public async Task InitializeAsync()
    {
        _context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        _context.SetDefaultTimeout(30_000);
        _page = await _context.NewPageAsync();
        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Add(message.Text);
            }
        };
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Login_rejects_bad_key_then_lists_syncs()
    {
        var syncId = await CreateCustomerSyncAsync("login check");
        var response = await _page.GotoAsync("/");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var headers = await response.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);

        await _page.GetByLabel("API key").FillAsync("not-a-valid-key");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#login-error")).ToContainTextAsync("rejected this API key (401)");
        Assert.Null(await SessionKeyAsync());
        await ScreenshotAsync("dashboard-login-error.png");

        // Chromium logs the rejected request itself as "Failed to load resource"; only errors after it count.
        Assert.All(_consoleErrors, message => Assert.Contains("401", message, StringComparison.Ordinal));
        _consoleErrors.Clear();

        await LogInAsync();
        await Assertions.Expect(_page.Locator($"tr[data-sync-id='{syncId}']")).ToContainTextAsync("login check");
        Assert.Equal(DashboardServer.ApiKey, await SessionKeyAsync());
        Assert.Equal(0, await _page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Empty((await _context.CookiesAsync()));

        await _page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(_page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.Null(await SessionKeyAsync());
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Start_button_runs_sync_to_completion()
    {
        var syncId = await CreateCustomerSyncAsync("customers to crm");
        await LogInAsync();
        await Assertions.Expect(_page.Locator($"tr[data-sync-id='{syncId}']")).ToBeVisibleAsync();
        await ScreenshotAsync("dashboard-syncs.png");
        await _page.GetByRole(AriaRole.Link, new() { Name = "customers to crm" }).ClickAsync();

        await _page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        var lastExecution = _page.Locator("#last-execution");
        await Assertions.Expect(lastExecution).ToContainTextAsync("completed", new() { Timeout = (float)ExecutionTimeout.TotalMilliseconds });

        var row = _page.Locator("table.executions tbody tr").First;
        await Assertions.Expect(row).ToContainTextAsync("completed");
        Assert.Equal("59", (await row.Locator("td").Nth(3).TextContentAsync())?.Trim());
        await Assertions.Expect(_page.Locator("svg.chart g.bar")).ToHaveCountAsync(1);
        await ScreenshotAsync("dashboard-sync.png");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(_page.Locator("#execution-status")).ToHaveTextAsync("completed");
        await Assertions.Expect(_page.Locator("#count-insert")).ToHaveTextAsync("59");
        await Assertions.Expect(_page.Locator("#count-error")).ToHaveTextAsync("0");
        await Assertions.Expect(_page.Locator("#console-log li").First).ToBeVisibleAsync();
        var download = await _page.RunAndWaitForDownloadAsync(() =>
            _page.Locator("#log-files tr[data-log-type='inserts']").GetByRole(AriaRole.Button).First.ClickAsync());
        var path = await download.PathAsync();
        Assert.Equal(59, (await File.ReadAllLinesAsync(path)).Count(line => line.Length > 0));
        await ScreenshotAsync("dashboard-execution.png");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Execution_page_shows_record_errors()
    {
        await server.ExecuteSqliteAsync("demo-target.sqlite", """
            CREATE TABLE customer_email (customer_id INTEGER PRIMARY KEY, email TEXT);
            """);

        // Customer 2 appears twice and one row has no identity, which the engine reports as 3 record errors.
        var query = """
            SELECT customer_id, email FROM customers
            UNION ALL SELECT customer_id, 'second@example.com' FROM customers WHERE customer_id = 2
            UNION ALL SELECT NULL, 'nobody@example.com'
            """;
        var syncId = await server.CreateSyncAsync(
            "customers with errors", "demo.sqlite", query, "customer_id", "demo-target.sqlite", "customer_email", ["email"]);
        var execution = await server.Api.RunSyncAsync(syncId);
        var executionId = execution["id"]!.GetValue<string>();
        var errors = execution["counts"]!["error"]!.GetValue<long>();
        Assert.True(errors > 0, $"the sync made no record errors: {execution.ToJsonString()}");

        await LogInAsync();
        await _page.GotoAsync($"/#/syncs/{syncId}/executions/{executionId}");
        await Assertions.Expect(_page.Locator("#execution-status")).ToHaveTextAsync("completed");
        await Assertions.Expect(_page.Locator("#count-error")).ToHaveTextAsync(errors.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var recordErrors = _page.Locator("#record-errors table tbody tr");
        await Assertions.Expect(recordErrors).ToHaveCountAsync((int)errors);
        await Assertions.Expect(_page.Locator("#record-errors")).ToContainTextAsync("nobody@example.com");
        await _page.Locator("#record-errors").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync("dashboard-record-errors.png");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Cancel_button_stops_long_execution()
    {
        await server.ExecuteSqliteAsync("demo-target.sqlite", """
            CREATE TABLE numbers (id INTEGER PRIMARY KEY, label TEXT);
            """);
        var query = $"""
            WITH RECURSIVE n(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM n WHERE id < {LongModelRows})
            SELECT id, 'row ' || id AS label FROM n
            """;
        var syncId = await server.CreateSyncAsync("numbers", "demo.sqlite", query, "id", "demo-target.sqlite", "numbers", ["label"]);

        await LogInAsync();
        await _page.GotoAsync($"/#/syncs/{syncId}");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        var running = _page.Locator("#current-execution");
        await Assertions.Expect(running).ToContainTextAsync("running");
        await running.GetByRole(AriaRole.Link, new() { Name = "open" }).ClickAsync();

        var status = _page.Locator("#execution-status");
        await Assertions.Expect(status).ToHaveTextAsync("running");
        await Assertions.Expect(_page.Locator("#console-log li").First).ToBeVisibleAsync();
        await ScreenshotAsync("dashboard-running.png");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Cancel execution" }).ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync("canceled", new() { Timeout = (float)ExecutionTimeout.TotalMilliseconds });
        await Assertions.Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Cancel execution" })).ToBeHiddenAsync();

        var inserted = long.Parse((await _page.Locator("#count-insert").TextContentAsync())!.Replace(",", "", StringComparison.Ordinal),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(inserted < LongModelRows, $"the execution wrote all {inserted} rows before the cancel landed");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Deactivate_and_activate_toggle_sync()
    {
        var syncId = await CreateCustomerSyncAsync("toggled");
        await LogInAsync();
        await _page.GotoAsync($"/#/syncs/{syncId}");
        var active = _page.Locator("#sync-active");
        await Assertions.Expect(active).ToHaveTextAsync("yes");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Assertions.Expect(active).ToHaveTextAsync("no");
        await Assertions.Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Start" })).ToBeDisabledAsync();
        var sync = await server.Api.GetAsync($"api/syncs/{syncId}");
        Assert.False(sync["data"]!["active"]!.GetValue<bool>());

        await _page.GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Assertions.Expect(active).ToHaveTextAsync("yes");
        await Assertions.Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Start" })).ToBeEnabledAsync();
        sync = await server.Api.GetAsync($"api/syncs/{syncId}");
        Assert.True(sync["data"]!["active"]!.GetValue<bool>());
        Assert.Empty(_consoleErrors);
    }

    private async Task<string> CreateCustomerSyncAsync(string name)
    {
        var table = "customers_" + Guid.NewGuid().ToString("N")[..8];
        await server.ExecuteSqliteAsync("demo-target.sqlite", $"""
            CREATE TABLE {table} (
                customer_id INTEGER PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, country TEXT, lifetime_value REAL);
            """);
        return await server.CreateSyncAsync(name, "demo.sqlite", CustomerValueQuery, "customer_id", "demo-target.sqlite", table, CustomerFields);
    }

    private async Task LogInAsync()
    {
        await _page.GotoAsync("/");
        await _page.GetByLabel("API key").FillAsync(DashboardServer.ApiKey);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Syncs" })).ToBeVisibleAsync();
    }

    private Task<string?> SessionKeyAsync() =>
        _page.EvaluateAsync<string?>("() => sessionStorage.getItem('outflow.apiKey')");

    private async Task ScreenshotAsync(string name) =>
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.ScreenshotDirectory, name), FullPage = true });
}
