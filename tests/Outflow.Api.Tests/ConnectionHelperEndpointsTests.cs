using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

public sealed class ConnectionHelperEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task ConnectionTypeSchema_returns_bare_schema_of_type()
    {
        var types = await server.Client.GetAsync("/api/connection_types");
        var response = await server.Client.GetAsync("/api/connection_types/postgresql");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.MediaType);
        var schema = response.Body!;
        Assert.Null(schema["data"]);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.GetValue<string>());
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        Assert.True(schema["properties"]!["password"]!["writeOnly"]!.GetValue<bool>());
        Assert.Equal(5432, schema["properties"]!["port"]!["default"]!.GetValue<int>());

        var listed = types.Data.AsArray().Single(t => t!["id"]!.GetValue<string>() == "postgresql")!;
        Assert.True(JsonNode.DeepEquals(listed["configurationForm"]!["jsonschema"], schema));
    }

    [Fact]
    public async Task ConnectionTypeSchema_unknown_type_returns_404()
    {
        var response = await server.Client.GetAsync("/api/connection_types/oracle");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorKey);
        Assert.Contains("sqlite", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_valid_configuration_saves_nothing()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var path = await server.CreateSqliteDatabaseAsync(TestObjects.PeopleSql);

        var response = await client.PostAsync(
            "/api/connections/test",
            new JsonObject { ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = path } });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("", response.Text);
        var listed = await client.GetAsync("/api/connections");
        Assert.Empty(listed.Data.AsArray());
    }

    [Theory]
    [InlineData("""{"configuration": {"path": "x.sqlite"}}""", 400, "missing_field", "type")]
    [InlineData("""{"type": "sqlite"}""", 400, "missing_field", "configuration")]
    [InlineData("""{"type": "sqlite", "configuration": {"path": 5}}""", 400, "invalid_field", "configuration.path")]
    [InlineData("""{"type": "oracle", "configuration": {}}""", 422, "unknown_connection_type", "type")]
    [InlineData("""{"type": "sqlite", "configuration": {"path": "x.sqlite", "Path": "y"}}""", 422, "invalid_configuration", "configuration.Path")]
    [InlineData("""{"type": "sqlite", "configuration": {"path": "../outside.sqlite"}}""", 422, "invalid_configuration", "configuration.path")]
    [InlineData("""{"type": "sqlite", "configuration": {"path": "x.sqlite"}, "connection_id": "not-a-uuid"}""", 400, "invalid_field", "connection_id")]
    public async Task TestConnection_invalid_request_returns_error_naming_field(string body, int status, string key, string field)
    {
        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/connections/test", body);

        Assert.Equal((HttpStatusCode)status, response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
    }

    [Fact]
    public async Task TestConnection_missing_database_file_returns_422()
    {
        var response = await server.Client.PostAsync(
            "/api/connections/test",
            new JsonObject { ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = "missing-" + Guid.NewGuid() + ".sqlite" } });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.StartsWith("configuration", response.ErrorField, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_unknown_or_foreign_connection_id_returns_404()
    {
        var (_, other) = await server.CreateOrganizationAsync();
        var foreign = await TestObjects.CreateSqliteConnectionAsync(server, other, TestObjects.PeopleSql);
        foreach (var id in new[] { Guid.NewGuid().ToString(), foreign })
        {
            var response = await server.Client.PostAsync(
                "/api/connections/test",
                new JsonObject { ["type"] = "sqlite", ["configuration"] = new JsonObject(), ["connection_id"] = id });

            Assert.Equal(HttpStatusCode.NotFound, response.Status);
            Assert.Equal("connection_id", response.ErrorField);
        }
    }

    [Fact]
    public async Task TestConnection_with_connection_id_uses_stored_configuration()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);

        var response = await server.Client.PostAsync(
            "/api/connections/test",
            new JsonObject { ["type"] = "sqlite", ["configuration"] = new JsonObject(), ["connection_id"] = connection });
        var mismatch = await server.Client.PostAsync(
            "/api/connections/test",
            new JsonObject { ["type"] = "postgresql", ["configuration"] = new JsonObject(), ["connection_id"] = connection });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal((HttpStatusCode)422, mismatch.Status);
        Assert.Equal("connection_type_mismatch", mismatch.ErrorKey);
    }

    [Fact]
    public async Task TestConnection_route_wins_over_connection_id_route()
    {
        var response = await server.Client.GetAsync("/api/connections/test");

        // Get Connection treats "test" as a malformed id; the POST route must not change that.
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorKey);
    }
}
