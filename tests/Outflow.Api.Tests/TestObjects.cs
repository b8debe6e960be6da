using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>Creates connections, models and syncs through the API for tests, asserting that each create succeeds.</summary>
public static class TestObjects
{
    public const string PeopleSql = """
        CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
        INSERT INTO people (id, name, email) VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', 'grace@example.com'), (3, 'Linus', NULL);
        """;

    public const string ContactsSql = """
        CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT UNIQUE, note TEXT);
        """;

    public static async Task<string> CreateSqliteConnectionAsync(ApiServerFixture server, ApiClient client, string sql, string name = "sqlite")
    {
        var path = await server.CreateSqliteDatabaseAsync(sql);
        var response = await client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = name, ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = path } });
        Assert.True(response.Status == System.Net.HttpStatusCode.OK, response.Text);
        return response.Data["id"]!.GetValue<string>();
    }

    public static async Task<JsonNode> CreateModelAsync(ApiClient client, string connectionId, string query = "SELECT id, name, email FROM people")
    {
        var response = await client.PostAsync("/api/models", ModelBody(connectionId, query));
        Assert.True(response.Status == System.Net.HttpStatusCode.OK, response.Text);
        return response.Data;
    }

    public static JsonObject ModelBody(string connectionId, string query) => new()
    {
        ["name"] = "people",
        ["connection_id"] = connectionId,
        ["configuration"] = new JsonObject { ["query"] = query },
    };

    /// <summary>A valid updateOrCreate sync body from the people model to the contacts table.</summary>
    public static JsonObject SyncBody(string modelId, string targetConnectionId, bool active = true) => new()
    {
        ["name"] = "people to contacts",
        ["mode"] = "updateOrCreate",
        ["active"] = active,
        ["target"] = new JsonObject { ["connection_id"] = targetConnectionId, ["object"] = "contacts" },
        ["identity"] = new JsonObject
        {
            ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "id" },
            ["target"] = "id",
            ["function"] = "Equality",
        },
        ["fields"] = new JsonArray
        {
            new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "name" }, ["target"] = "name" },
            new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "email" }, ["target"] = "email" },
            new JsonObject { ["override_value"] = "from outflow", ["target"] = "note" },
        },
        ["schedule"] = new JsonObject(),
    };

    /// <summary>Creates a source connection and model, a target connection and a sync; returns their ids.</summary>
    public static async Task<SyncSetup> CreateSyncAsync(ApiServerFixture server, ApiClient client, bool active = true)
    {
        var source = await CreateSqliteConnectionAsync(server, client, PeopleSql, "source");
        var model = await CreateModelAsync(client, source);
        var modelId = model["id"]!.GetValue<string>();
        var target = await CreateSqliteConnectionAsync(server, client, ContactsSql, "target");
        var response = await client.PostAsync("/api/syncs", SyncBody(modelId, target, active));
        Assert.True(response.Status == System.Net.HttpStatusCode.OK, response.Text);
        return new SyncSetup(source, modelId, target, response.Data["id"]!.GetValue<string>());
    }

    /// <summary>
    /// Starts an execution of a sync and waits for it, asserting that it completes without record errors. Returns the
    /// execution's id.
    /// </summary>
    public static async Task<string> RunSyncAsync(ApiClient client, string syncId)
    {
        var started = await client.SendAsync(HttpMethod.Post, $"/api/syncs/{syncId}/executions");
        Assert.True(started.Status == HttpStatusCode.OK, started.Text);
        var executionId = started.Data["id"]!.GetValue<string>();

        // A bound on polling, not a timing assertion: it only keeps a broken engine from hanging the test run.
        for (var attempt = 0; attempt < 6000; attempt++)
        {
            var response = await client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}");
            var status = response.Data["status"]!.GetValue<string>();
            if (status is "completed" or "failed" or "canceled" or "interrupted")
            {
                Assert.True(status == "completed", response.Text);
                Assert.Equal(0, response.Data["counts"]!["error"]!.GetValue<long>());
                return executionId;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"execution {executionId} of sync {syncId} did not finish");
    }

    /// <summary>
    /// Returns a Create Sync body that upserts the people model (<see cref="PeopleSql"/>) by id into a new table, with
    /// one creation property.
    /// </summary>
    public static JsonObject NewTableSyncBody(string modelId, string targetConnectionId, string newName, string property, string value) => new()
    {
        ["name"] = "people to a new table",
        ["mode"] = "updateOrCreate",
        ["active"] = true,
        ["target"] = new JsonObject
        {
            ["connection_id"] = targetConnectionId,
            ["new_name"] = newName,
            ["create"] = new JsonObject { [property] = value },
        },
        ["identity"] = new JsonObject
        {
            ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "id" },
            ["target"] = "id",
            ["function"] = "Equality",
            ["new_field"] = true,
        },
        ["fields"] = new JsonArray
        {
            new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "name" }, ["target"] = "name" },
            new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "email" }, ["target"] = "email" },
        },
        ["schedule"] = new JsonObject(),
    };
}
