using System.Net;
using System.Text.Json.Nodes;
using Outflow.Core.Connections;
using Outflow.Core.Organizations;

namespace Outflow.Api.Tests;

public sealed class DiscoveryEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const string SourceSql = """
        CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
        CREATE VIEW adults AS SELECT id, name FROM people;
        INSERT INTO people (id, name, email) VALUES (1, 'Ada', 'ada@example.com');
        """;

    private const string TargetSql = """
        CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT UNIQUE COLLATE NOCASE, note TEXT NOT NULL);
        CREATE TABLE events (body TEXT);
        """;

    [Fact]
    public async Task SyncSource_lists_tables_and_views()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var data = response.Data;
        Assert.Equal(["query", "table"], Strings(data["requires_one_of"]));
        Assert.Equal("string", data["configuration"]!["query"]!["type"]!.GetValue<string>());
        Assert.Equal("string", data["configuration"]!["table"]!["type"]!.GetValue<string>());
        Assert.True(data["items"]!["table"]!["has_items"]!.GetValue<bool>());
        Assert.Equal(["adults", "people"], Strings(data["items"]!["table"]!["items"]));
        Assert.False(data["items"]!["query"]!["has_items"]!.GetValue<bool>());
        Assert.Empty(data["items"]!["query"]!["items"]!.AsArray());
        Assert.False(data["items"]!["schema"]!["has_items"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SyncSource_schema_on_sqlite_returns_400()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var response = await server.Client.GetAsync(
            $"/api/connections/{connection}/modelsync/source?params={Uri.EscapeDataString("""{"schema":["main"]}""")}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("params.schema", response.ErrorField);
        Assert.Contains("has no schemas", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Target_lists_object_ids_filtered_by_search()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TargetSql);

        var all = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/target");
        var searched = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/target?search=CONT");

        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(["contacts", "events"], Strings(all.Data["items"]!["target"]!["items"]));
        Assert.True(all.Data["items"]!["target"]!["has_items"]!.GetValue<bool>());
        Assert.Equal(["contacts"], Strings(searched.Data["items"]!["target"]!["items"]));
    }

    [Fact]
    public async Task SyncSource_accepts_chosen_params_in_both_encodings()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var json = await server.Client.GetAsync(
            $"/api/connections/{connection}/modelsync/source?params={Uri.EscapeDataString("""{"table":["people"]}""")}");
        var exploded = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source?table=people");

        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal(HttpStatusCode.OK, exploded.Status);
        Assert.Equal(["adults", "people"], Strings(exploded.Data["items"]!["table"]!["items"]));
    }

    [Fact]
    public async Task SourceFields_with_json_params_lists_query_columns()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);
        var parameters = Uri.EscapeDataString("""{"query":["SELECT id, name FROM people"]}""");

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source/fields?params={parameters}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var fields = response.Data.AsArray();
        Assert.Equal(["id", "name"], fields.Select(f => f!["name"]!.GetValue<string>()).ToList());
        Assert.Equal("number", fields[0]!["type"]!.GetValue<string>());
        Assert.Equal("INTEGER", fields[0]!["remote_type"]!.GetValue<string>());
        Assert.Equal("string", fields[1]!["type"]!.GetValue<string>());
        Assert.Equal("name", fields[1]!["label"]!.GetValue<string>());
        Assert.False(fields[1]!["user_added"]!.GetValue<bool>());
        Assert.Null(fields[1]!["id"]);
    }

    [Fact]
    public async Task SourceFields_with_exploded_params_lists_table_columns()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source/fields?table=people");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["id", "name", "email"], response.Data.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task SourceFields_with_go_params_lists_view_columns()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var response = await server.Client.GetAsync(
            $"/api/connections/{connection}/modelsync/source/fields?params={Uri.EscapeDataString("map[table:[adults]]")}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["id", "name"], response.Data.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList());
    }

    [Theory]
    [InlineData("params=not-json", "params")]
    [InlineData("params=%5B%5D", "params")]
    [InlineData("params=map%5Btable%3Apeople%5D", "params")]
    [InlineData("params=%7B%22table%22%3A5%7D", "params.table")]
    [InlineData("params=%7B%22table%22%3A%5B%22people%22%2C%22adults%22%5D%7D", "params.table")]
    [InlineData("database=main", "params.database")]
    [InlineData("schema=public", "params")]
    [InlineData("table=", "params.table")]
    [InlineData("table=people&query=SELECT%201", "params")]
    [InlineData("params=%7B%22table%22%3A%5B%22people%22%5D%7D&table=people", "params.table")]
    [InlineData("", "params")]
    public async Task SourceFields_bad_params_return_400_naming_parameter(string query, string field)
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source/fields?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_query_parameter", response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
    }

    [Fact]
    public async Task SyncSource_unknown_params_key_returns_400()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source?tabel=people");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("params.tabel", response.ErrorField);
    }

    [Fact]
    public async Task SourceFields_unknown_table_returns_model_query_failed()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source/fields?table=missing");

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("model_query_failed", response.ErrorKey);
        Assert.Equal("params.table", response.ErrorField);
    }

    [Fact]
    public async Task TargetObjects_lists_tables_with_modes()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TargetSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var objects = response.Data.AsArray();
        Assert.Equal(["contacts", "events"], objects.Select(o => o!["id"]!.GetValue<string>()).ToList());
        Assert.Equal("contacts", objects[0]!["name"]!.GetValue<string>());

        var contactModes = objects[0]!["modes"]!.AsArray();
        Assert.Equal(
            ["append", "create", "remove", "replace", "update", "updateOrCreate"],
            contactModes.Select(m => m!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList());
        var upsert = contactModes.Single(m => m!["id"]!.GetValue<string>() == "updateOrCreate")!;
        Assert.True(upsert["requires_identity"]!.GetValue<bool>());
        Assert.True(upsert["supports_per_field_mode"]!.GetValue<bool>());
        Assert.False(upsert["supports_target_filters"]!.GetValue<bool>());

        var eventModes = objects[1]!["modes"]!.AsArray();
        var append = Assert.Single(eventModes)!;
        Assert.Equal("append", append["id"]!.GetValue<string>());
        Assert.False(append["requires_identity"]!.GetValue<bool>());
        Assert.False(append["supports_per_field_mode"]!.GetValue<bool>());

        // SQLite creates tables from a name alone, so it takes no creation properties.
        Assert.True(response.Body!["target_creation"]!["supported"]!.GetValue<bool>());
        Assert.Empty(response.Body["target_creation"]!["properties"]!.AsArray());
    }

    [Fact]
    public async Task TargetFields_describes_fields_identity_and_modes()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TargetSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/target/fields?target=contacts&refresh=true");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var data = response.Data;
        Assert.Equal("contacts", data["id"]!.GetValue<string>());
        Assert.Equal("contacts", data["name"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(data["refreshed_at"]!.GetValue<string>(), out _));

        var fields = data["fields"]!.AsArray().ToDictionary(f => f!["id"]!.GetValue<string>(), f => f!);
        Assert.Equal(["id", "name", "email", "note"], fields.Keys.ToList());
        Assert.Equal("number", fields["id"]["type"]!.GetValue<string>());
        Assert.Equal("INTEGER", fields["id"]["source_type"]!.GetValue<string>());
        Assert.True(fields["id"]["supports_identity"]!.GetValue<bool>());
        var function = Assert.Single(fields["id"]["identity_functions"]!.AsArray())!;
        Assert.Equal("Equality", function["id"]!.GetValue<string>());
        Assert.Equal("Equality", function["label"]!.GetValue<string>());
        Assert.True(fields["email"]["supports_identity"]!.GetValue<bool>());
        Assert.Contains("case", fields["email"]["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(fields["name"]["supports_identity"]!.GetValue<bool>());
        Assert.Empty(fields["name"]["identity_functions"]!.AsArray());
        Assert.True(fields["note"]["required"]!.GetValue<bool>());
        Assert.False(fields["name"]["required"]!.GetValue<bool>());
        foreach (var field in fields.Values)
        {
            Assert.True(field["createable"]!.GetValue<bool>());
            Assert.True(field["updateable"]!.GetValue<bool>());
            Assert.False(field["filterable"]!.GetValue<bool>());
            Assert.False(field["encryptable"]!.GetValue<bool>());
            Assert.False(field["association"]!.GetValue<bool>());
        }

        var modes = data["modes"]!.AsArray().ToDictionary(m => m!["mode"]!.GetValue<string>(), m => m!);
        Assert.Contains("updateOrCreate", modes.Keys);
        Assert.Contains("append", modes.Keys);
        Assert.DoesNotContain("snapshot", modes.Keys);
        Assert.Equal("Update or create", modes["updateOrCreate"]["label"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(modes["updateOrCreate"]["description"]!.GetValue<string>()));
        Assert.True(modes["updateOrCreate"]["requires_identity"]!.GetValue<bool>());
        Assert.True(modes["updateOrCreate"]["supports_field_sync_mode"]!.GetValue<bool>());
        Assert.False(modes["append"]["requires_identity"]!.GetValue<bool>());
        Assert.False(modes["append"]["supports_target_filters"]!.GetValue<bool>());

        var properties = data["properties"]!;
        Assert.False(properties["supports_target_filters"]!.GetValue<bool>());
        Assert.True(properties["target_creator"]!.GetValue<bool>());
        Assert.False(properties["supports_field_creation"]!.GetValue<bool>());
        Assert.True(properties["use_field_names_as_labels"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest, "target")]
    [InlineData("target=contacts&refresh=yes", HttpStatusCode.BadRequest, "refresh")]
    [InlineData("target=missing", HttpStatusCode.NotFound, "target")]
    public async Task TargetFields_bad_query_returns_error_naming_parameter(string query, HttpStatusCode status, string field)
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TargetSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/target/fields?{query}");

        Assert.Equal(status, response.Status);
        Assert.Equal(field, response.ErrorField);
    }

    [Fact]
    public async Task TargetPropertyValues_unknown_property_returns_404()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TargetSql);

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects/properties/schema");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorKey);
        Assert.Equal("property", response.ErrorField);
        Assert.Equal("schema", response.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_unknown_or_foreign_connection_returns_404()
    {
        var (_, other) = await server.CreateOrganizationAsync();
        var foreign = await TestObjects.CreateSqliteConnectionAsync(server, other, SourceSql);
        foreach (var id in new[] { Guid.NewGuid().ToString(), "not-a-uuid", foreign })
        {
            foreach (var route in DiscoveryRoutes(id))
            {
                var response = await server.Client.GetAsync(route);

                Assert.True(response.Status == HttpStatusCode.NotFound, $"{route}: {response.Text}");
                Assert.Equal("not_found", response.ErrorKey);
            }
        }
    }

    [Fact]
    public async Task Discovery_connection_type_without_role_returns_404()
    {
        // A connection of a type this server does not ship (left by another deployment) can be neither source nor target.
        var (organization, client) = await server.CreateOrganizationAsync();
        var actor = new Actor(organization.Id, organization.Name, "organization");
        var connection = new Connection
        {
            Id = Guid.NewGuid(),
            OrganizationId = organization.Id,
            Name = "crm",
            Type = "salesforce",
            Configuration = new JsonObject { ["instance_url"] = "http://127.0.0.1:9/" },
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = actor,
            UpdatedBy = actor,
        };
        await server.GetService<IConnectionStore>().InsertAsync(connection, CancellationToken.None);

        var routes = DiscoveryRoutes(connection.Id.ToString());
        for (var i = 0; i < routes.Length; i++)
        {
            var response = await client.GetAsync(routes[i]);

            Assert.True(response.Status == HttpStatusCode.NotFound, $"{routes[i]}: {response.Text}");
            Assert.Equal(i < 2 ? "connection_not_source" : "connection_not_destination", response.ErrorKey);
        }
    }

    [Fact]
    public async Task Discovery_responses_match_documented_schemas()
    {
        var schemas = new OpenApiSchemaCheck(await GetDocumentAsync());
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, SourceSql);
        var target = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TargetSql);
        var cases = new (string Template, string Path)[]
        {
            ("/api/connections/{id}/modelsync/source", $"/api/connections/{source}/modelsync/source"),
            ("/api/connections/{id}/modelsync/source/fields", $"/api/connections/{source}/modelsync/source/fields?table=people"),
            ("/api/connections/{id}/modelsync/targetobjects", $"/api/connections/{target}/modelsync/targetobjects"),
            ("/api/connections/{id}/modelsync/target", $"/api/connections/{target}/modelsync/target"),
            ("/api/connections/{id}/modelsync/target/fields", $"/api/connections/{target}/modelsync/target/fields?target=contacts"),
        };
        foreach (var (template, path) in cases)
        {
            var response = await server.Client.GetAsync(path);

            Assert.True(response.Status == HttpStatusCode.OK, $"{path}: {response.Text}");
            Assert.Empty(schemas.Problems(schemas.ResponseSchema(template, "get", "200"), response.Body, "$"));
        }
    }

    private static string[] DiscoveryRoutes(string id) =>
    [
        $"/api/connections/{id}/modelsync/source",
        $"/api/connections/{id}/modelsync/source/fields?table=people",
        $"/api/connections/{id}/modelsync/targetobjects",
        $"/api/connections/{id}/modelsync/target",
        $"/api/connections/{id}/modelsync/target/fields?target=contacts",
        $"/api/connections/{id}/modelsync/targetobjects/properties/schema",
    ];

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(item => item!.GetValue<string>()).ToList();

    private async Task<JsonNode> GetDocumentAsync()
    {
        using var client = server.CreateClient(null);
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body!;
    }
}
