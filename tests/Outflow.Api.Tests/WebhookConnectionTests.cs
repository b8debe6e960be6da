using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>Configuration checks of <c>webhook</c> connections on a server that does not allow private networks.</summary>
public sealed class WebhookConnectionTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Theory]
    [InlineData("url", "\"http://127.0.0.1:9/hook\"", "configuration.url", "127.0.0.1")]
    [InlineData("url", "\"http://169.254.169.254/latest/meta-data\"", "configuration.url", "169.254.169.254")]
    [InlineData("url", "\"http://[::1]/hook\"", "configuration.url", "::1")]
    [InlineData("url", "\"ftp://example.com/hook\"", "configuration.url", "ftp://example.com/hook")]
    [InlineData("batch_size", "0", "configuration.batch_size", "got 0")]
    [InlineData("batch_size", "2.5", "configuration.batch_size", "whole number")]
    [InlineData("max_requests_per_second", "-2", "configuration.max_requests_per_second", "got -2")]
    [InlineData("headers", "{\"Bad Name\": \"x\"}", "configuration.headers.Bad Name", "not a valid HTTP header name")]
    public async Task Invalid_value_returns_422(string key, string json, string field, string expectedText)
    {
        var response = await CreateAsync(key, json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("invalid_configuration", response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.Contains(expectedText, response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e309")]
    [InlineData("-1e309")]
    public async Task Rate_beyond_double_range_returns_422(string json)
    {
        var response = await CreateAsync("max_requests_per_second", json);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("invalid_configuration", response.ErrorKey);
        Assert.Equal("configuration.max_requests_per_second", response.ErrorField);
        Assert.Contains($"got {json}", response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("url", "5", "configuration.url")]
    [InlineData("batch_size", "\"many\"", "configuration.batch_size")]
    [InlineData("headers", "[\"Authorization\"]", "configuration.headers")]
    public async Task Wrong_json_type_returns_400(string key, string json, string field)
    {
        var response = await CreateAsync(key, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(field, response.ErrorField);
    }

    [Fact]
    public async Task Header_value_is_secret()
    {
        var configuration = new JsonObject
        {
            ["url"] = "https://example.com/hook",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer very-secret" },
        };

        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "hook", ["type"] = "webhook", ["configuration"] = configuration, ["validate"] = false });

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.DoesNotContain("very-secret", created.Text, StringComparison.Ordinal);
        Assert.Equal(500, created.Data["configuration"]!["batch_size"]!.GetValue<int>());
    }

    private async Task<ApiResponse> CreateAsync(string key, string json)
    {
        var configuration = new JsonObject { ["url"] = "https://example.com/hook", ["headers"] = new JsonObject() };
        configuration[key] = JsonNode.Parse(json);
        return await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "hook", ["type"] = "webhook", ["configuration"] = configuration, ["validate"] = false });
    }
}
