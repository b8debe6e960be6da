using System.Net;

namespace Outflow.Api.Tests;

public sealed class ProtocolTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Version_header_absent_echoes_default()
    {
        var response = await server.Client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("2025-09-18", response.Headers["X-Polytomic-Version"]);
    }

    [Theory]
    [InlineData("2021-05-23")]
    [InlineData("2022-12-12")]
    [InlineData("2023-04-25")]
    [InlineData("2024-02-08")]
    [InlineData("2025-09-18")]
    public async Task Version_header_known_value_is_echoed(string version)
    {
        var response = await server.Client.SendAsync(
            HttpMethod.Get, "/api/me", headers: new Dictionary<string, string> { ["X-Polytomic-Version"] = version });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(version, response.Headers["X-Polytomic-Version"]);
    }

    [Fact]
    public async Task Version_header_unknown_value_returns_400()
    {
        var response = await server.Client.SendAsync(
            HttpMethod.Get, "/api/me", headers: new Dictionary<string, string> { ["X-Polytomic-Version"] = "2020-01-01" });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_api_version", response.ErrorKey);
        Assert.Equal("2020-01-01", response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Equal("2025-09-18", response.Headers["X-Polytomic-Version"]);
    }

    [Fact]
    public async Task Unknown_route_returns_404_api_error()
    {
        var response = await server.Client.GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("not_found", response.ErrorKey);
        Assert.Equal(404, response.Body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Wrong_method_returns_405_api_error()
    {
        var response = await server.Client.SendAsync(HttpMethod.Patch, "/api/connections");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal("method_not_allowed", response.ErrorKey);
        Assert.Equal(405, response.Body!["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/api/connections/not-a-uuid", "id", "not-a-uuid")]
    [InlineData("/api/models/123", "id", "123")]
    [InlineData("/api/syncs/xyz", "id", "xyz")]
    [InlineData("/api/syncs/xyz/status", "id", "xyz")]
    [InlineData("/api/syncs/xyz/executions", "sync_id", "xyz")]
    [InlineData("/api/syncs/00000000-0000-0000-0000-000000000000/executions/bad", "id", "bad")]
    public async Task Malformed_path_id_returns_404(string path, string field, string value)
    {
        var response = await server.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.Equal(value, response.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/connections/")]
    [InlineData("/api/models/")]
    [InlineData("/api/syncs/")]
    public async Task Unknown_path_id_returns_404_naming_it(string prefix)
    {
        var id = Guid.NewGuid().ToString();

        var response = await server.Client.GetAsync(prefix + id);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("id", response.ErrorField);
        Assert.Equal(id, response.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/syncs?active=yes", "active")]
    [InlineData("/api/syncs?active=True", "active")]
    [InlineData("/api/syncs?mode=upsert", "mode")]
    [InlineData("/api/syncs?target_connection_id=nope", "target_connection_id")]
    [InlineData("/api/syncs?limit=ten", "limit")]
    [InlineData("/api/syncs?limit=--5", "limit")]
    [InlineData("/api/models?limit=5.0", "limit")]
    public async Task Bad_query_parameter_returns_400_naming_it(string path, string parameter)
    {
        var response = await server.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_query_parameter", response.ErrorKey);
        Assert.Equal(parameter, response.ErrorField);
    }

    [Fact]
    public async Task Body_that_is_not_json_returns_400()
    {
        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/connections", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_json", response.ErrorKey);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Body_with_other_content_type_returns_400(string contentType)
    {
        var response = await server.Client.SendAsync(
            HttpMethod.Post, "/api/connections", """{"name": "n", "type": "sqlite", "configuration": {}}""", contentType: contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_json", response.ErrorKey);
        Assert.Contains(contentType, response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/syncs?limit=99999999999999")]
    [InlineData("/api/syncs?limit=-99999999999999")]
    [InlineData("/api/models?limit=99999999999999")]
    public async Task Limit_beyond_integer_range_means_maximum(string path)
    {
        var response = await server.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Body_that_is_an_array_returns_400()
    {
        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/syncs", "[]");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_json", response.ErrorKey);
    }

    [Fact]
    public async Task Missing_body_returns_400()
    {
        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/models", "");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_json", response.ErrorKey);
    }

    [Fact]
    public async Task Oversized_body_returns_413_api_error()
    {
        // The request declares a 5 MiB body but sends none: the server must reject it from the declared length
        // alone. Sending the body would race the server closing the connection after its 413.
        var address = server.Server.BaseAddress;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        var head = "POST /api/connections HTTP/1.1\r\n"
            + $"Host: {address.Authority}\r\n"
            + $"Authorization: Bearer {ApiServerFixture.AdminKey}\r\n"
            + "Content-Type: application/json\r\n"
            + $"Content-Length: {5 * 1024 * 1024}\r\n"
            + "Expect: 100-continue\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));

        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        var statusLine = await reader.ReadLineAsync();

        // The JSON body is one line; with chunked encoding it follows a chunk-size line.
        var line = await reader.ReadLineAsync();
        while (line is not null && !line.StartsWith('{'))
        {
            line = await reader.ReadLineAsync();
        }

        var body = System.Text.Json.Nodes.JsonNode.Parse(line ?? "null");
        Assert.NotNull(body);
        Assert.StartsWith("HTTP/1.1 413", statusLine, StringComparison.Ordinal);
        Assert.Equal(413, body["status"]!.GetValue<int>());
        Assert.Equal("request_too_large", body["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Name_longer_than_limit_returns_400()
    {
        var body = "{\"name\":\"" + new string('x', 256) + "\",\"type\":\"sqlite\",\"configuration\":{}}";

        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/connections", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_field", response.ErrorKey);
        Assert.Equal("name", response.ErrorField);
    }
}
