using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

public sealed class ModelEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Create_query_model_discovers_fields()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var body = TestObjects.ModelBody(connection, "SELECT id, name, email FROM people");
        body["identifier"] = "id";
        body["tracking_columns"] = new JsonArray("name");
        var response = await server.Client.PostAsync("/api/models", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var data = response.Data;
        Assert.Equal("sqlite", data["type"]!.GetValue<string>());
        Assert.Equal(connection, data["connection_id"]!.GetValue<string>());
        Assert.Equal(1, data["version"]!.GetValue<int>());
        Assert.Equal("id", data["identifier"]!.GetValue<string>());
        Assert.Equal(["name"], data["tracking_columns"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Empty(data["labels"]!.AsArray());
        Assert.Empty(data["policies"]!.AsArray());
        var fields = data["fields"]!.AsArray();
        Assert.Equal(["id", "name", "email"], fields.Select(f => f!["name"]!.GetValue<string>()));
        foreach (var field in fields)
        {
            Assert.True(Guid.TryParse(field!["id"]!.GetValue<string>(), out _));
            Assert.False(field["user_added"]!.GetValue<bool>());
            Assert.False(string.IsNullOrEmpty(field["type"]!.GetValue<string>()));
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/api/models/{data["id"]}")).Status);
        Assert.Contains(
            (await server.Client.GetAsync("/api/models")).Data.AsArray(),
            item => item!["id"]!.GetValue<string>() == data["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_table_model_filters_fields()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var response = await server.Client.PostAsync("/api/models?async=false", new JsonObject
        {
            ["name"] = "people table",
            ["connection_id"] = connection,
            ["configuration"] = new JsonObject { ["table"] = "people" },
            ["fields"] = new JsonArray("id", "email"),
            ["additional_fields"] = new JsonArray(new JsonObject { ["name"] = "score", ["label"] = "Score", ["type"] = "number" }),
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var fields = response.Data["fields"]!.AsArray();
        Assert.Equal(["id", "email", "score"], fields.Select(f => f!["name"]!.GetValue<string>()));
        Assert.True(fields[2]!["user_added"]!.GetValue<bool>());
        Assert.Equal("number", fields[2]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_failing_query_returns_422_and_stores_nothing()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var before = (await server.Client.GetAsync("/api/models")).Data.AsArray().Count;

        var response = await server.Client.PostAsync("/api/models", TestObjects.ModelBody(connection, "SELECT nope FROM missing_table"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("model_query_failed", response.ErrorKey);
        Assert.Equal("configuration.query", response.ErrorField);
        Assert.Contains("missing_table", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await server.Client.GetAsync("/api/models")).Data.AsArray().Count);
    }

    [Fact]
    public async Task Create_missing_table_names_configuration_table()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var response = await server.Client.PostAsync("/api/models", new JsonObject
        {
            ["name"] = "x",
            ["connection_id"] = connection,
            ["configuration"] = new JsonObject { ["table"] = "no_such_table" },
        });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("model_query_failed", response.ErrorKey);
        Assert.Equal("configuration.table", response.ErrorField);
    }

    [Theory]
    [InlineData("fields", "fields[1]")]
    [InlineData("identifier", "identifier")]
    [InlineData("tracking_columns", "tracking_columns[0]")]
    public async Task Create_unknown_field_name_returns_422_naming_it(string property, string field)
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var body = TestObjects.ModelBody(connection, "SELECT id, name FROM people");
        body[property] = property switch
        {
            "fields" => new JsonArray("id", "nickname"),
            "identifier" => "nickname",
            _ => new JsonArray("nickname"),
        };

        var response = await server.Client.PostAsync("/api/models", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("unknown_model_field", response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.Equal("nickname", response.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_on_unknown_connection_returns_422()
    {
        var response = await server.Client.PostAsync("/api/models", TestObjects.ModelBody(Guid.NewGuid().ToString(), "SELECT 1"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("connection_not_found", response.ErrorKey);
        Assert.Equal("connection_id", response.ErrorField);
    }

    [Theory]
    [InlineData("""{"connection_id":"00000000-0000-0000-0000-000000000001","configuration":{"query":"select 1"}}""", "missing_field", "name")]
    [InlineData("""{"name":"m","configuration":{"query":"select 1"}}""", "missing_field", "connection_id")]
    [InlineData("""{"name":"m","connection_id":"not-a-uuid","configuration":{"query":"select 1"}}""", "invalid_field", "connection_id")]
    [InlineData("""{"name":"m","connection_id":"00000000-0000-0000-0000-000000000001"}""", "missing_field", "configuration")]
    [InlineData("""{"name":"m","connection_id":"00000000-0000-0000-0000-000000000001","configuration":{"query":5}}""", "invalid_model_configuration", "configuration.query")]
    [InlineData("""{"name":"m","connection_id":"00000000-0000-0000-0000-000000000001","configuration":{},"fields":[1]}""", "invalid_field", "fields[0]")]
    [InlineData("""{"name":"m","connection_id":"00000000-0000-0000-0000-000000000001","configuration":{},"relations":5}""", "invalid_field", "relations")]
    public async Task Create_malformed_body_returns_400_naming_field(string body, string key, string field)
    {
        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/models", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
    }

    [Fact]
    public async Task Create_with_both_query_and_table_returns_422()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var response = await server.Client.PostAsync("/api/models", new JsonObject
        {
            ["name"] = "x",
            ["connection_id"] = connection,
            ["configuration"] = new JsonObject { ["query"] = "SELECT 1", ["table"] = "people" },
        });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("invalid_model_configuration", response.ErrorKey);
        Assert.Equal("configuration", response.ErrorField);
    }

    [Fact]
    public async Task Update_keeps_surviving_field_ids()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection, "SELECT id, name FROM people");
        var idOf = model["fields"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["id"]!.GetValue<string>());

        var body = TestObjects.ModelBody(connection, "SELECT id, email FROM people");
        body["name"] = "renamed";
        var response = await server.Client.PutAsync($"/api/models/{model["id"]}", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, response.Data["version"]!.GetValue<int>());
        Assert.Equal("renamed", response.Data["name"]!.GetValue<string>());
        var fields = response.Data["fields"]!.AsArray();
        Assert.Equal(["id", "email"], fields.Select(f => f!["name"]!.GetValue<string>()));
        Assert.Equal(idOf["id"], fields[0]!["id"]!.GetValue<string>());
        Assert.NotEqual(idOf["name"], fields[1]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_used_model_needs_force()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);

        var refused = await server.Client.DeleteAsync($"/api/models/{setup.ModelId}");
        Assert.Equal((HttpStatusCode)422, refused.Status);
        Assert.Equal("model_in_use", refused.ErrorKey);
        Assert.Contains(refused.Body!["metadata"]!["sync_ids"]!.AsArray(), id => id!.GetValue<string>() == setup.SyncId);

        var forced = await server.Client.DeleteAsync($"/api/models/{setup.ModelId}?force=true");
        Assert.Equal(HttpStatusCode.OK, forced.Status);
        Assert.Equal("", forced.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/models/{setup.ModelId}")).Status);
    }

    [Fact]
    public async Task Other_organization_gets_404_and_cannot_use_connection()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection);
        var (_, other) = await server.CreateOrganizationAsync();
        using (other)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/models/{model["id"]}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/models/{model["id"]}")).Status);
            Assert.Empty((await other.GetAsync("/api/models")).Data.AsArray());

            var create = await other.PostAsync("/api/models", TestObjects.ModelBody(connection, "SELECT id FROM people"));
            Assert.Equal((HttpStatusCode)422, create.Status);
            Assert.Equal("connection_not_found", create.ErrorKey);
        }
    }
}
