using System.Text.Json.Nodes;
using Npgsql;
using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// The whole path a user takes: connections, a model joining customers with their invoices, a sync into
/// a PostgreSQL table, executions, all through the HTTP API of a real server.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CustomerSyncTests(PostgresFixture postgres)
{
    private const long ForeignCustomerId = 900_001;

    [Fact]
    public async Task Customer_values_sync_insert_update_and_replace()
    {
        await using var scope = await ServerScope.StartAsync();
        var api = scope.Client;
        var shop = await ShopDatabase.CreateAsync(Path.Combine(scope.FilesRoot, "shop.sqlite"), customers: 120);
        var database = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(database, """
            CREATE TABLE public.customer_value (
                customer_id bigint PRIMARY KEY, email text, first_name text, last_name text, country text,
                lifetime_value numeric(12, 2), crm_note text);
            INSERT INTO public.customer_value VALUES (900001, 'crm@example.com', 'Other', 'Application', NULL, 1.00, 'kept');
            """);

        var source = await api.PostAsync("api/connections", new
        {
            name = "shop",
            type = "sqlite",
            configuration = new { path = "shop.sqlite" },
        });
        var target = await api.PostAsync("api/connections", new
        {
            name = "warehouse",
            type = "postgresql",
            configuration = database.Configuration,
        });
        var model = await api.PostAsync("api/models", new
        {
            name = "customer lifetime value",
            connection_id = Id(source),
            configuration = new { query = ShopDatabase.CustomerValueQuery },
            identifier = "customer_id",
        });
        var modelId = Id(model);
        Assert.Equal(
            ["customer_id", "email", "first_name", "last_name", "country", "lifetime_value"],
            model["data"]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));

        var syncBody = SyncBody(modelId, Id(target), "updateOrCreate");
        var sync = await api.PostAsync("api/syncs", syncBody);
        var syncId = Id(sync);

        var first = await api.RunSyncAsync(syncId);
        var expected = await shop.ExpectedRowsAsync();
        AssertCounts(first, insert: 120, update: 0, delete: 0, error: 0);
        await AssertTargetMatchesAsync(database, expected);

        var unchanged = await api.RunSyncAsync(syncId);
        AssertCounts(unchanged, insert: 0, update: 0, delete: 0, error: 0);

        await shop.SetEmailAsync(3, "renamed@example.com");
        await shop.AddInvoiceAsync(8, 12.34m);
        await shop.AddCustomerAsync(121, "Zoë", "Nørgaard 🙂", null);
        var changed = await api.RunSyncAsync(syncId);
        AssertCounts(changed, insert: 1, update: 2, delete: 0, error: 0);
        await AssertTargetMatchesAsync(database, await shop.ExpectedRowsAsync());

        syncBody["mode"] = "replace";
        await api.PutAsync($"api/syncs/{syncId}", syncBody);
        await shop.DeleteCustomerAsync(5);
        var replaced = await api.RunSyncAsync(syncId);
        AssertCounts(replaced, insert: 0, update: 0, delete: 1, error: 0);
        await AssertTargetMatchesAsync(database, await shop.ExpectedRowsAsync());

        var executions = await api.GetAsync($"api/syncs/{syncId}/executions");
        Assert.Equal(4, executions["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Duplicate_and_missing_identities_are_record_errors()
    {
        await using var scope = await ServerScope.StartAsync();
        var api = scope.Client;
        var shop = await ShopDatabase.CreateAsync(Path.Combine(scope.FilesRoot, "shop.sqlite"), customers: 10);
        var database = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(database, """
            CREATE TABLE public.customer_value (
                customer_id bigint PRIMARY KEY, email text, first_name text, last_name text, country text,
                lifetime_value numeric(12, 2), crm_note text);
            """);
        var source = await api.PostAsync("api/connections", new { name = "shop", type = "sqlite", configuration = new { path = "shop.sqlite" } });
        var target = await api.PostAsync("api/connections", new { name = "warehouse", type = "postgresql", configuration = database.Configuration });

        // Customer 2 appears twice and one row has no identity: 8 rows are written, 3 are errors.
        var query = """
            SELECT customer_id, email, first_name, last_name, country, 0 AS lifetime_value FROM customers WHERE customer_id <> 10
            UNION ALL SELECT customer_id, 'second@example.com', first_name, last_name, country, 0 FROM customers WHERE customer_id = 2
            UNION ALL SELECT NULL, 'nobody@example.com', 'No', 'Identity', NULL, 0
            """;
        var model = await api.PostAsync("api/models", new
        {
            name = "with duplicates",
            connection_id = Id(source),
            configuration = new { query },
        });
        var sync = await api.PostAsync("api/syncs", SyncBody(Id(model), Id(target), "updateOrCreate"));

        var execution = await api.RunSyncAsync(Id(sync));

        AssertCounts(execution, insert: 8, update: 0, delete: 0, error: 3);
        var expected = await shop.ExpectedRowsAsync();
        expected.Remove(2);
        expected.Remove(10);
        var rows = await ReadTargetAsync(database);
        Assert.Equal(expected.Keys, rows.Keys);
    }

    [Fact]
    public async Task Replace_sync_moved_to_another_table_starts_afresh()
    {
        await using var scope = await ServerScope.StartAsync();
        var api = scope.Client;
        var shop = await ShopDatabase.CreateAsync(Path.Combine(scope.FilesRoot, "shop.sqlite"), customers: 20);
        var database = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(database, """
            CREATE TABLE public.customer_value (
                customer_id bigint PRIMARY KEY, email text, first_name text, last_name text, country text,
                lifetime_value numeric(12, 2), crm_note text);
            CREATE TABLE public.customer_value_2 (LIKE public.customer_value INCLUDING ALL);
            INSERT INTO public.customer_value_2 VALUES (6, 'crm@example.com', 'Other', 'Application', NULL, 1.00, 'kept');
            """);
        var source = await api.PostAsync("api/connections", new { name = "shop", type = "sqlite", configuration = new { path = "shop.sqlite" } });
        var target = await api.PostAsync("api/connections", new { name = "warehouse", type = "postgresql", configuration = database.Configuration });
        var model = await api.PostAsync("api/models", new
        {
            name = "customer lifetime value",
            connection_id = Id(source),
            configuration = new { query = ShopDatabase.CustomerValueQuery },
        });
        var body = SyncBody(Id(model), Id(target), "replace");
        var syncId = Id(await api.PostAsync("api/syncs", body));
        AssertCounts(await api.RunSyncAsync(syncId), insert: 20, update: 0, delete: 0, error: 0);

        // The sync wrote customer 6 to the first table only; in the second table, row 6 belongs to someone else.
        body["target"]!["object"] = "public.customer_value_2";
        await api.PutAsync($"api/syncs/{syncId}", body);
        await shop.DeleteCustomerAsync(6);
        var moved = await api.RunSyncAsync(syncId);

        AssertCounts(moved, insert: 19, update: 0, delete: 0, error: 0);
        var rows = await ReadTableAsync(database, "public.customer_value_2");
        Assert.Equal(20, rows.Count);
        Assert.Equal("crm@example.com", rows[6].Email);
    }

    private static JsonObject SyncBody(string modelId, string targetConnectionId, string mode)
    {
        var fields = new JsonArray();
        foreach (var name in new[] { "email", "first_name", "last_name", "country", "lifetime_value" })
        {
            fields.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = name },
                ["target"] = name,
            });
        }

        return new JsonObject
        {
            ["name"] = "customers to warehouse",
            ["mode"] = mode,
            ["active"] = true,
            ["schedule"] = new JsonObject { ["frequency"] = "manual" },
            ["target"] = new JsonObject { ["connection_id"] = targetConnectionId, ["object"] = "public.customer_value" },
            ["identity"] = new JsonObject
            {
                ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "customer_id" },
                ["target"] = "customer_id",
                ["function"] = "Equality",
            },
            ["fields"] = fields,
        };
    }

    private static string Id(JsonNode response) => response["data"]!["id"]!.GetValue<string>();

    private static void AssertCounts(JsonNode execution, long insert, long update, long delete, long error)
    {
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        var counts = execution["counts"]!;
        Assert.Equal(insert, counts["insert"]!.GetValue<long>());
        Assert.Equal(update, counts["update"]!.GetValue<long>());
        Assert.Equal(delete, counts["delete"]!.GetValue<long>());
        Assert.Equal(error, counts["error"]!.GetValue<long>());
        Assert.Equal(insert + update + delete + error, counts["total"]!.GetValue<long>());
    }

    private static async Task AssertTargetMatchesAsync(PostgresDatabase database, SortedDictionary<long, CustomerValue> expected)
    {
        var rows = await ReadTargetAsync(database);
        var foreign = rows[ForeignCustomerId];
        rows.Remove(ForeignCustomerId);
        Assert.Equal("crm@example.com", foreign.Email);
        Assert.Equal(expected.Values, rows.Values);
    }

    private static Task<SortedDictionary<long, CustomerValue>> ReadTargetAsync(PostgresDatabase database) =>
        ReadTableAsync(database, "public.customer_value");

    private static async Task<SortedDictionary<long, CustomerValue>> ReadTableAsync(PostgresDatabase database, string table)
    {
        var rows = new SortedDictionary<long, CustomerValue>();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT customer_id, email, first_name, last_name, country, lifetime_value FROM {table}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new CustomerValue(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetDecimal(5));
            rows[row.CustomerId] = row;
        }

        return rows;
    }

    private static async Task ExecuteAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
