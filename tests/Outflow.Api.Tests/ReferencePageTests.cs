using System.Net;
using System.Text.RegularExpressions;

namespace Outflow.Api.Tests;

public sealed partial class ReferencePageTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Docs_without_key_redirects_to_html_page()
    {
        using var http = CreateHttpClient(allowRedirects: false);
        using var redirect = await http.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);

        using var followed = CreateHttpClient(allowRedirects: true);
        using var page = await followed.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/docs/index.html", page.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Docs_page_assets_are_same_origin_and_load()
    {
        using var http = CreateHttpClient(allowRedirects: false);
        var pageUri = new Uri(http.BaseAddress!, "/docs/index.html");
        var html = await http.GetStringAsync(pageUri);

        var references = AssetReference().Matches(html).Select(match => match.Groups["url"].Value).ToList();
        Assert.Contains("./swagger-ui-bundle.js", references);
        Assert.Contains("./swagger-ui.css", references);
        foreach (var reference in references)
        {
            var uri = new Uri(pageUri, reference);
            Assert.True(
                uri.Scheme == pageUri.Scheme && uri.Authority == pageUri.Authority,
                $"the page loads {reference} from another origin; an air-gapped install cannot reach it");
            using var asset = await http.GetAsync(uri);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{reference} returned {(int)asset.StatusCode}");
        }

        // Stylesheets may embed images, but only as data: URIs or files next to the page.
        var css = await http.GetStringAsync(new Uri(pageUri, "./swagger-ui.css"));
        Assert.DoesNotContain("@import", css, StringComparison.Ordinal);
        foreach (var url in CssUrl().Matches(css).Select(match => match.Groups["url"].Value.Trim('"', '\'')))
        {
            Assert.False(url.Contains("//", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal), $"the stylesheet loads {url}");
        }
    }

    [Fact]
    public async Task Docs_page_loads_local_document()
    {
        using var http = CreateHttpClient(allowRedirects: false);
        var script = await http.GetStringAsync("/docs/index.js");

        Assert.Contains("\"url\":\"../openapi/v1.json\"", script, StringComparison.Ordinal);
        Assert.DoesNotContain("\"validatorUrl\":\"http", script, StringComparison.Ordinal);
        using var document = await http.GetAsync(new Uri(new Uri(http.BaseAddress!, "/docs/index.html"), "../openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Theory]
    [InlineData("/api/me")]
    [InlineData("/api/connections")]
    [InlineData("/api/syncs")]
    [InlineData("/api/models")]
    public async Task Api_routes_without_key_still_return_401(string path)
    {
        using var client = server.CreateClient(null);
        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("unauthorized", response.ErrorKey);
    }

    private HttpClient CreateHttpClient(bool allowRedirects) =>
        new(new HttpClientHandler { AllowAutoRedirect = allowRedirects }) { BaseAddress = server.Server.BaseAddress };

    [GeneratedRegex("""(?:src|href)\s*=\s*["'](?<url>[^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex AssetReference();

    [GeneratedRegex("""url\((?<url>[^)]*)\)""")]
    private static partial Regex CssUrl();
}
