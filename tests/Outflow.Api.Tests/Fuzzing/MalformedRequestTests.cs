using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Outflow.Api.Tests.Fuzzing;

/// <summary>
/// Requests that <see cref="HttpClient"/> cannot send as written, sent over a raw socket: each must get an
/// ApiError body whose status is the HTTP status.
/// </summary>
public sealed class MalformedRequestTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task DotSegmentsLeavingApiGetApiError()
    {
        // The path resolves to /missing; one that resolves to / gets the dashboard page.
        var response = await SendAsync("/api/syncs/../../missing");

        AssertApiError(response, StatusCodes.Status404NotFound, "not_found");
    }

    [Fact]
    public async Task NullCharacterInPathGetsApiError()
    {
        var response = await SendAsync("/api/syncs/%00");

        AssertApiError(response, StatusCodes.Status400BadRequest, "malformed_request");
    }

    [Fact]
    public async Task NullCharacterInHeaderGetsApiError()
    {
        var response = await SendAsync("/api/syncs", new KeyValuePair<string, string>("Idempotency-Key", "key\u0000control"));

        AssertApiError(response, StatusCodes.Status400BadRequest, "malformed_request");
    }

    [Fact]
    public async Task OverlongRequestTargetGetsApiError()
    {
        var response = await SendAsync("/api/syncs/" + new string('a', 9000));

        AssertApiError(response, StatusCodes.Status414RequestUriTooLong, "request_target_too_long");
    }

    [Fact]
    public async Task OversizedHeadersGetApiError()
    {
        var response = await SendAsync("/api/syncs", new KeyValuePair<string, string>("X-Large", new string('h', 40 * 1024)));

        AssertApiError(response, StatusCodes.Status431RequestHeaderFieldsTooLarge, "headers_too_large");
    }

    private Task<RawResponse> SendAsync(string target, params KeyValuePair<string, string>[] headers) =>
        new RawHttpClient(server.Server.BaseAddress).SendAsync(new RawRequest(
            "GET", target, [new("Authorization", "Bearer " + ApiServerFixture.AdminKey), .. headers], null));

    private static void AssertApiError(RawResponse response, int status, string key)
    {
        Assert.Equal(status, response.Status);
        Assert.StartsWith("application/json", response.Headers["content-type"], StringComparison.Ordinal);
        var body = JsonNode.Parse(response.Body)!;
        Assert.Equal(status, body["status"]!.GetValue<int>());
        Assert.Equal(key, body["key"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["message"]!.GetValue<string>()));
    }
}
