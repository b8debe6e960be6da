using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

public sealed class ConnectionEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task ConnectionTypes_lists_sqlite_and_postgresql_with_capabilities()
    {
        var response = await server.Client.GetAsync("/api/connection_types");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var types = response.Data.AsArray();
        foreach (var id in new[] { "sqlite", "postgresql" })
        {
            var type = types.Single(t => t!["id"]!.GetValue<string>() == id)!;
            Assert.False(string.IsNullOrEmpty(type["name"]!.GetValue<string>()));
            Assert.True(type["capabilities"]!["source"]!.GetValue<bool>());
            Assert.True(type["capabilities"]!["destination"]!.GetValue<bool>());
            Assert.False(type["capabilities"]!["enrichment"]!.GetValue<bool>());
            Assert.False(type["capabilities"]!["orchestration"]!.GetValue<bool>());
            Assert.Equal("object", type["configurationForm"]!["jsonschema"]!["type"]!.GetValue<string>());
        }

        var postgres = types.Single(t => t!["id"]!.GetValue<string>() == "postgresql")!;
        var password = postgres["configurationForm"]!["jsonschema"]!["properties"]!["password"]!;
        Assert.True(password["writeOnly"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Create_sqlite_connection_returns_connection_shape()
    {
        var path = await server.CreateSqliteDatabaseAsync(TestObjects.PeopleSql);
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "people db", ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = path } });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var data = response.Data;
        Assert.True(Guid.TryParse(data["id"]!.GetValue<string>(), out _));
        Assert.Equal("people db", data["name"]!.GetValue<string>());
        Assert.Equal("sqlite", data["type"]!["id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(data["type"]!["name"]!.GetValue<string>()));
        Assert.Equal(path, data["configuration"]!["path"]!.GetValue<string>());
        Assert.True(data["saved"]!.GetValue<bool>());
        Assert.Equal("healthy", data["status"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", data["created_at"]!.GetValue<string>());
        Assert.Equal("user", data["created_by"]!["type"]!.GetValue<string>());

        var fetched = await server.Client.GetAsync($"/api/connections/{data["id"]}");
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal("people db", fetched.Data["name"]!.GetValue<string>());

        var list = await server.Client.GetAsync("/api/connections");
        Assert.Contains(list.Data.AsArray(), item => item!["id"]!.GetValue<string>() == data["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_unknown_type_returns_422_and_stores_nothing()
    {
        var before = (await server.Client.GetAsync("/api/connections")).Data.AsArray().Count;
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "x", ["type"] = "oracle", ["configuration"] = new JsonObject() });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("unknown_connection_type", response.ErrorKey);
        Assert.Equal("type", response.ErrorField);
        Assert.Equal("oracle", response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Equal(before, (await server.Client.GetAsync("/api/connections")).Data.AsArray().Count);
    }

    [Fact]
    public async Task Create_path_outside_files_root_returns_invalid_configuration()
    {
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "x", ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = "../../etc/passwd" } });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("invalid_configuration", response.ErrorKey);
        Assert.Equal("configuration.path", response.ErrorField);
    }

    [Fact]
    public async Task Create_missing_file_returns_connection_failed()
    {
        var before = (await server.Client.GetAsync("/api/connections")).Data.AsArray().Count;
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "x", ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = "missing.sqlite" } });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("connection_failed", response.ErrorKey);
        Assert.Equal("configuration", response.ErrorField);
        Assert.Equal(before, (await server.Client.GetAsync("/api/connections")).Data.AsArray().Count);
    }

    [Fact]
    public async Task Create_with_validate_false_saves_without_connecting()
    {
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject
            {
                ["name"] = "later",
                ["type"] = "sqlite",
                ["configuration"] = new JsonObject { ["path"] = "not-yet.sqlite" },
                ["validate"] = false,
            });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("unknown", response.Data["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_unknown_configuration_key_returns_422_without_value()
    {
        var path = await server.CreateSqliteDatabaseAsync(TestObjects.PeopleSql);
        var before = await server.Client.GetAsync("/api/connections");
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject
            {
                ["name"] = "misspelt",
                ["type"] = "sqlite",
                ["configuration"] = new JsonObject { ["path"] = path, ["Password"] = "canary-secret-value" },
            });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("invalid_configuration", response.ErrorKey);
        Assert.Equal("configuration.Password", response.ErrorField);
        Assert.DoesNotContain("canary-secret-value", response.Body?.ToJsonString() ?? "", StringComparison.Ordinal);
        var after = await server.Client.GetAsync("/api/connections");
        Assert.Equal(before.Data.AsArray().Count, after.Data.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"name":"x","type":"sqlite","configuration":{},"policies":"x"}""", "invalid_field", "policies")]
    [InlineData("""{"name":"x","type":"sqlite","configuration":{"path":"a.sqlite","path":"b.sqlite"}}""", "invalid_json", "configuration.path")]
    [InlineData("""{"name":"x","type":"sqlite","configuration":{"path":"\ud800"}}""", "invalid_field", "configuration.path")]
    [InlineData("""{"name":"x","type":"postgresql","configuration":{"password":"a\u0000b"}}""", "invalid_field", "configuration.password")]
    [InlineData("""{"name":"x","type":"sqlite","configuration":{"list":[1,"\udc00"]}}""", "invalid_field", "configuration.list[1]")]
    [InlineData("""{"type":"sqlite","configuration":{}}""", "missing_field", "name")]
    [InlineData("""{"name":"","type":"sqlite","configuration":{}}""", "missing_field", "name")]
    [InlineData("""{"name":"x","configuration":{}}""", "missing_field", "type")]
    [InlineData("""{"name":"x","type":"sqlite"}""", "missing_field", "configuration")]
    [InlineData("""{"name":5,"type":"sqlite","configuration":{}}""", "invalid_field", "name")]
    [InlineData("""{"name":"x","type":"sqlite","configuration":"path"}""", "invalid_field", "configuration")]
    [InlineData("""{"name":"x","type":"sqlite","configuration":{},"validate":"yes"}""", "invalid_field", "validate")]
    public async Task Create_malformed_body_returns_400_naming_field(string body, string key, string field)
    {
        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/connections", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
    }

    [Fact]
    public async Task Create_ignores_unknown_properties_and_organization_id()
    {
        var path = await server.CreateSqliteDatabaseAsync(TestObjects.PeopleSql);
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject
            {
                ["name"] = "x",
                ["type"] = "sqlite",
                ["configuration"] = new JsonObject { ["path"] = path },
                ["organization_id"] = Guid.NewGuid().ToString(),
                ["something_new"] = 1,
            });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var me = await server.Client.GetAsync("/api/me");
        Assert.Equal(me.Data["organization_id"]!.GetValue<string>(), response.Data["organization_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_replaces_name_and_rejects_type_change()
    {
        var id = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var current = await server.Client.GetAsync($"/api/connections/{id}");
        var configuration = current.Data["configuration"]!.DeepClone();

        var renamed = await server.Client.PutAsync(
            $"/api/connections/{id}", new JsonObject { ["name"] = "renamed", ["configuration"] = configuration.DeepClone() });
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("renamed", renamed.Data["name"]!.GetValue<string>());

        var retyped = await server.Client.PutAsync(
            $"/api/connections/{id}",
            new JsonObject { ["name"] = "renamed", ["type"] = "postgresql", ["configuration"] = configuration.DeepClone() });
        Assert.Equal((HttpStatusCode)422, retyped.Status);
        Assert.Equal("connection_type_mismatch", retyped.ErrorKey);
        Assert.Equal("type", retyped.ErrorField);
    }

    [Fact]
    public async Task Delete_in_use_returns_422_unless_forced()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);

        var refused = await server.Client.DeleteAsync($"/api/connections/{setup.SourceConnectionId}");
        Assert.Equal((HttpStatusCode)422, refused.Status);
        Assert.Equal("connection_in_use", refused.ErrorKey);
        Assert.Contains(refused.Body!["metadata"]!["model_ids"]!.AsArray(), id => id!.GetValue<string>() == setup.ModelId);
        Assert.Contains(refused.Body["metadata"]!["sync_ids"]!.AsArray(), id => id!.GetValue<string>() == setup.SyncId);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/api/models/{setup.ModelId}")).Status);

        var badForce = await server.Client.DeleteAsync($"/api/connections/{setup.SourceConnectionId}?force=1");
        Assert.Equal(HttpStatusCode.BadRequest, badForce.Status);
        Assert.Equal("force", badForce.ErrorField);

        var forced = await server.Client.DeleteAsync($"/api/connections/{setup.SourceConnectionId}?force=true");
        Assert.Equal(HttpStatusCode.OK, forced.Status);
        Assert.Equal("", forced.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/connections/{setup.SourceConnectionId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/models/{setup.ModelId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Status);
    }

    [Fact]
    public async Task Delete_unused_connection_returns_empty_200()
    {
        var id = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);

        var response = await server.Client.DeleteAsync($"/api/connections/{id}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("", response.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/connections/{id}")).Status);
    }

    [Fact]
    public async Task Other_organization_cannot_see_or_change_connection()
    {
        var id = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var (_, other) = await server.CreateOrganizationAsync();
        using (other)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/connections/{id}")).Status);
            Assert.Equal(
                HttpStatusCode.NotFound,
                (await other.PutAsync($"/api/connections/{id}", new JsonObject { ["name"] = "x", ["configuration"] = new JsonObject() })).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/connections/{id}")).Status);
            Assert.Empty((await other.GetAsync("/api/connections")).Data.AsArray());
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/api/connections/{id}")).Status);
    }

    [Theory]
    [InlineData("\"abc\"", 400, "invalid_field")]
    [InlineData("true", 400, "invalid_field")]
    [InlineData("99999", 422, "invalid_configuration")]
    [InlineData("0", 422, "invalid_configuration")]
    public async Task Create_postgresql_port_problem_status_depends_on_kind(string port, int status, string key)
    {
        var body = "{\"name\":\"pg\",\"type\":\"postgresql\",\"configuration\":{\"hostname\":\"127.0.0.1\",\"port\":"
            + port + ",\"database\":\"d\",\"username\":\"u\",\"password\":\"p\"}}";

        var response = await server.Client.SendAsync(HttpMethod.Post, "/api/connections", body);

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal("configuration.port", response.ErrorField);
    }

    [Fact]
    public async Task Update_masked_password_with_other_host_returns_422()
    {
        var configuration = new JsonObject
        {
            ["hostname"] = "127.0.0.1",
            ["port"] = 5999,
            ["database"] = "crm",
            ["username"] = "outflow",
            ["password"] = "stored-secret-value",
        };
        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "pg", ["type"] = "postgresql", ["configuration"] = configuration, ["validate"] = false });
        var id = created.Data["id"]!.GetValue<string>();
        var masked = created.Data["configuration"]!.AsObject();
        masked["port"] = 6000;

        var updated = await server.Client.PutAsync(
            $"/api/connections/{id}",
            new JsonObject { ["name"] = "pg", ["configuration"] = masked.DeepClone(), ["validate"] = false });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, updated.Status);
        Assert.Equal("invalid_configuration", updated.ErrorKey);
        Assert.Equal("configuration.password", updated.ErrorField);
        var stored = await server.Client.GetAsync($"/api/connections/{id}");
        Assert.Equal(5999, stored.Data["configuration"]!["port"]!.GetValue<int>());

        masked["port"] = 5999;
        var unchanged = await server.Client.PutAsync(
            $"/api/connections/{id}",
            new JsonObject { ["name"] = "pg renamed", ["configuration"] = masked.DeepClone(), ["validate"] = false });
        Assert.Equal(HttpStatusCode.OK, unchanged.Status);
    }
}
