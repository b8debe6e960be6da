using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Outflow.Testing;

namespace Outflow.Api.Tests;

[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresDiscoveryTests(PostgresFixture postgres, ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const string Schema = """
        CREATE SCHEMA sales;
        CREATE TABLE public.contacts (id bigint PRIMARY KEY, email text UNIQUE, name text NOT NULL, note text);
        CREATE TABLE sales.orders (order_id integer PRIMARY KEY, total numeric(10, 2), placed_at timestamptz);
        CREATE VIEW public.big_orders AS SELECT order_id, total FROM sales.orders WHERE total > 100;
        """;

    [Fact]
    public async Task SyncSource_lists_schema_qualified_tables_and_views()
    {
        var (connection, _) = await CreateConnectionAsync();

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(
            ["public.big_orders", "public.contacts", "sales.orders"],
            response.Data["items"]!["table"]!["items"]!.AsArray().Select(n => n!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task SyncSource_schema_param_narrows_tables()
    {
        var (connection, _) = await CreateConnectionAsync();

        var sales = await server.Client.GetAsync(
            $"/api/connections/{connection}/modelsync/source?params={Uri.EscapeDataString("""{"schema":["sales"]}""")}");
        var unknown = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/source?schema=nowhere");

        Assert.Equal(HttpStatusCode.OK, sales.Status);
        Assert.Equal(["public", "sales"], Strings(sales.Data["items"]!["schema"]!["items"]));
        Assert.Equal(["sales.orders"], Strings(sales.Data["items"]!["table"]!["items"]));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("params.schema", unknown.ErrorField);
        Assert.Equal("nowhere", unknown.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Target_type_keeps_one_schema()
    {
        var (connection, _) = await CreateConnectionAsync();

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/target?type=sales");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["sales.orders"], Strings(response.Data["items"]!["target"]!["items"]));
    }

    [Fact]
    public async Task SourceFields_reads_table_and_query_columns()
    {
        var (connection, _) = await CreateConnectionAsync();

        var table = await server.Client.GetAsync(
            $"/api/connections/{connection}/modelsync/source/fields?params={Uri.EscapeDataString("""{"table":["sales.orders"]}""")}");
        var query = await server.Client.GetAsync(
            $"/api/connections/{connection}/modelsync/source/fields?query={Uri.EscapeDataString("SELECT email, 1 AS one FROM contacts")}");

        Assert.Equal(HttpStatusCode.OK, table.Status);
        var fields = table.Data.AsArray();
        Assert.Equal(["order_id", "total", "placed_at"], fields.Select(f => f!["name"]!.GetValue<string>()).ToList());
        Assert.Equal("datetime", fields[2]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, query.Status);
        Assert.Equal(["email", "one"], query.Data.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task TargetObjects_and_fields_use_schema_qualified_ids()
    {
        var (connection, _) = await CreateConnectionAsync();

        var objects = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects");
        var fields = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/target/fields?target=public.contacts");

        Assert.Equal(HttpStatusCode.OK, objects.Status);
        Assert.Equal(["public.contacts", "sales.orders"], objects.Data.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList());
        Assert.Equal(HttpStatusCode.OK, fields.Status);
        var byId = fields.Data["fields"]!.AsArray().ToDictionary(f => f!["id"]!.GetValue<string>(), f => f!);
        Assert.Equal("bigint", byId["id"]["source_type"]!.GetValue<string>());
        Assert.True(byId["email"]["supports_identity"]!.GetValue<bool>());
        Assert.Equal("Equality", byId["email"]["identity_functions"]![0]!["id"]!.GetValue<string>());
        Assert.False(byId["name"]["supports_identity"]!.GetValue<bool>());
        Assert.True(byId["name"]["required"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TestConnection_keeps_stored_password_only_for_same_settings()
    {
        var (connection, database) = await CreateConnectionAsync();

        var same = await TestAsync(new JsonObject(), connection);
        var masked = await TestAsync(new JsonObject { ["password"] = "********" }, connection);
        var wrong = await TestAsync(new JsonObject { ["password"] = "wrong-password" }, connection);
        var otherHost = await TestAsync(new JsonObject { ["hostname"] = "localhost" }, connection);
        var maskedOtherHost = await TestAsync(new JsonObject { ["hostname"] = "localhost", ["password"] = "********" }, connection);

        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Equal(HttpStatusCode.OK, masked.Status);
        Assert.Equal((HttpStatusCode)422, wrong.Status);
        Assert.Equal("connection_failed", wrong.ErrorKey);
        Assert.DoesNotContain("wrong-password", wrong.Text, StringComparison.Ordinal);

        // The stored password must not go to a host the caller picked, so it has to be sent again.
        Assert.Equal((HttpStatusCode)422, otherHost.Status);
        Assert.Equal("configuration.password", otherHost.ErrorField);
        Assert.Equal((HttpStatusCode)422, maskedOtherHost.Status);
        Assert.Equal("configuration.password", maskedOtherHost.ErrorField);

        var full = database.Configuration;
        var withoutId = await TestAsync(full, null);
        Assert.Equal(HttpStatusCode.OK, withoutId.Status);
    }

    private Task<ApiResponse> TestAsync(JsonObject configuration, string? connectionId)
    {
        var body = new JsonObject { ["type"] = "postgresql", ["configuration"] = configuration };
        if (connectionId is not null)
        {
            body["connection_id"] = connectionId;
        }

        return server.Client.PostAsync("/api/connections/test", body);
    }

    private async Task<(string ConnectionId, PostgresDatabase Database)> CreateConnectionAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(Schema, connection);
            await command.ExecuteNonQueryAsync();
        }

        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "pg", ["type"] = "postgresql", ["configuration"] = database.Configuration });
        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        return (created.Data["id"]!.GetValue<string>(), database);
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(item => item!.GetValue<string>()).ToList();
}
