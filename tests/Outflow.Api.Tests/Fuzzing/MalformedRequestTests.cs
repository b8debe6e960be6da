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
        var response = await SendAsync("/api/syncs/../executions/../..");

        AssertApiError(response, StatusCodes.Status404NotFound, "not_found");
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
