using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Outflow.Api.Tests;

/// <summary>The dashboard's static files: served without a key, with the security and cache headers, and nothing else.</summary>
public sealed partial class DashboardPageTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private static readonly string[] DashboardFiles =
        ["/", "/dashboard/app.js", "/dashboard/api.js", "/dashboard/style.css", "/dashboard/favicon.svg"];

    [Fact]
    public async Task Root_serves_html_without_key()
    {
        using var http = CreateHttpClient();
        using var page = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"dashboard/app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(InlineScript(), html);
    }

    [Fact]
    public async Task Dashboard_files_carry_security_headers()
    {
        using var http = CreateHttpClient();
        foreach (var path in DashboardFiles)
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} returned {(int)response.StatusCode}");
            var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("default-src 'none';", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", string.Join(' ', response.Headers.GetValues("X-Content-Type-Options")));
            Assert.True(response.Headers.CacheControl?.NoCache, $"{path} has no Cache-Control: no-cache");
            Assert.NotNull(response.Headers.ETag);
        }
    }

    [Fact]
    public async Task Unchanged_file_revalidates_as_304()
    {
        using var http = CreateHttpClient();
        using var first = await http.GetAsync("/dashboard/app.js");
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/dashboard/missing.js")]
    [InlineData("/dashboard/..%2FOutflow.Api.dll")]
    [InlineData("/dashboard/index")]
    public async Task Unknown_dashboard_file_is_not_found(string path)
    {
        using var http = CreateHttpClient();
        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("not_found", body["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reference_and_document_still_served()
    {
        using var http = CreateHttpClient();
        using var reference = await http.GetAsync("/docs/index.html");
        using var document = await http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var paths = JsonNode.Parse(await document.Content.ReadAsStringAsync())!["paths"]!.AsObject();
        Assert.DoesNotContain(paths, path => path.Key == "/" || path.Key.StartsWith("/dashboard", StringComparison.Ordinal));
    }

    private HttpClient CreateHttpClient()
    {
        var http = new HttpClient { BaseAddress = server.Server.BaseAddress };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        return http;
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
