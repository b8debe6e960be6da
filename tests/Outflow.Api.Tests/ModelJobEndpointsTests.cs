using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Outflow.Api.Tests;

/// <summary>Preview Model, Get Model Sample, Get Job, and async=true on Create and Update Model.</summary>
public sealed class ModelJobEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Preview_returns_fields_without_storing()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var before = await CountModelsAsync(server.Client);
        var body = TestObjects.ModelBody(connection, "SELECT id, name, email FROM people");
        body["identifier"] = "id";

        var response = await server.Client.PostAsync("/api/model-preview", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.Body!["job"]);
        var data = response.Data;
        Assert.Equal("people", data["name"]!.GetValue<string>());
        Assert.Equal("sqlite", data["type"]!.GetValue<string>());
        Assert.Equal(connection, data["connection_id"]!.GetValue<string>());
        Assert.Equal("id", data["identifier"]!.GetValue<string>());
        Assert.Equal(["id", "name", "email"], data["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        foreach (var property in new[] { "id", "version", "created_at", "updated_at", "created_by", "updated_by" })
        {
            Assert.Null(data[property]);
        }

        Assert.Null(data["fields"]![0]!["id"]);
        Assert.Equal("integer", data["fields"]![0]!["remote_type"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal(before, await CountModelsAsync(server.Client));
    }

    [Fact]
    public async Task Preview_failing_query_returns_422()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);

        var response = await server.Client.PostAsync("/api/model-preview", TestObjects.ModelBody(connection, "SELECT x FROM missing_table"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("model_query_failed", response.ErrorKey);
        Assert.Equal("configuration.query", response.ErrorField);
    }

    [Fact]
    public async Task Preview_async_result_equals_sync_response()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var body = TestObjects.ModelBody(connection, "SELECT id, name FROM people");
        var inline = await server.Client.PostAsync("/api/model-preview?async=false", body);

        var started = await server.Client.PostAsync("/api/model-preview?async=true", body);
        var job = await WaitForJobAsync(server.Client, started, "previewmodel");

        Assert.Equal(HttpStatusCode.OK, inline.Status);
        Assert.Equal("done", job["status"]!.GetValue<string>());
        Assert.Null(job["error"]);
        Assert.True(JsonNode.DeepEquals(inline.Data, job["result"]), $"{inline.Data.ToJsonString()} != {job["result"]?.ToJsonString()}");
    }

    [Fact]
    public async Task Create_async_saves_model_through_job()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var body = TestObjects.ModelBody(connection, "SELECT id, name, email FROM people");
        body["identifier"] = "id";

        var started = await server.Client.PostAsync("/api/models?async=true", body);
        var job = await WaitForJobAsync(server.Client, started, "createmodel");

        Assert.Equal("done", job["status"]!.GetValue<string>());
        var result = job["result"]!;
        var saved = await server.Client.GetAsync($"/api/models/{result["id"]!.GetValue<string>()}");
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.True(JsonNode.DeepEquals(saved.Data, result), $"{saved.Data.ToJsonString()} != {result.ToJsonString()}");
        Assert.Equal(1, result["version"]!.GetValue<int>());
        Assert.Equal(["id", "name", "email"], result["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Create_async_bad_query_fails_job()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var before = await CountModelsAsync(server.Client);

        var started = await server.Client.PostAsync("/api/models?async=true", TestObjects.ModelBody(connection, "SELECT x FROM missing_table"));
        var job = await WaitForJobAsync(server.Client, started, "createmodel");

        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Null(job["result"]);
        Assert.Contains("missing_table", job["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await CountModelsAsync(server.Client));
    }

    [Fact]
    public async Task Create_async_invalid_request_fails_at_once()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var missingName = TestObjects.ModelBody(connection, "SELECT id FROM people");
        missingName.Remove("name");
        var unknownConnection = TestObjects.ModelBody(Guid.NewGuid().ToString(), "SELECT id FROM people");
        var badFieldType = TestObjects.ModelBody(connection, "SELECT id FROM people");
        badFieldType["additional_fields"] = new JsonArray(new JsonObject { ["name"] = "score", ["label"] = "Score", ["type"] = "decimal" });

        var missing = await server.Client.PostAsync("/api/models?async=true", missingName);
        var unknown = await server.Client.PostAsync("/api/models?async=true", unknownConnection);
        var badType = await server.Client.PostAsync("/api/model-preview?async=true", badFieldType);
        var badFlag = await server.Client.PostAsync("/api/models?async=yes", TestObjects.ModelBody(connection, "SELECT id FROM people"));

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("name", missing.ErrorField);
        Assert.Equal((HttpStatusCode)422, unknown.Status);
        Assert.Equal("connection_not_found", unknown.ErrorKey);
        Assert.Equal(HttpStatusCode.BadRequest, badType.Status);
        Assert.Equal("additional_fields[0].type", badType.ErrorField);
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.Status);
        Assert.Equal("async", badFlag.ErrorField);
    }

    [Fact]
    public async Task Update_async_replaces_model_through_job()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection);
        var id = model["id"]!.GetValue<string>();
        var body = TestObjects.ModelBody(connection, "SELECT id, email FROM people");
        body["name"] = "renamed";

        var started = await server.Client.PutAsync($"/api/models/{id}?async=true", body);
        var job = await WaitForJobAsync(server.Client, started, "updatemodel");

        Assert.Equal("done", job["status"]!.GetValue<string>());
        var saved = (await server.Client.GetAsync($"/api/models/{id}")).Data;
        Assert.True(JsonNode.DeepEquals(saved, job["result"]), $"{saved.ToJsonString()} != {job["result"]?.ToJsonString()}");
        Assert.Equal("renamed", saved["name"]!.GetValue<string>());
        Assert.Equal(2, saved["version"]!.GetValue<int>());
        Assert.Equal(["id", "email"], saved["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Update_async_failing_query_keeps_model()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection);
        var id = model["id"]!.GetValue<string>();

        var started = await server.Client.PutAsync($"/api/models/{id}?async=true", TestObjects.ModelBody(connection, "SELECT nope FROM people"));
        var job = await WaitForJobAsync(server.Client, started, "updatemodel");

        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Contains("nope", job["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var saved = (await server.Client.GetAsync($"/api/models/{id}")).Data;
        Assert.True(JsonNode.DeepEquals(model, saved), $"{model.ToJsonString()} != {saved.ToJsonString()}");
    }

    [Fact]
    public async Task Update_async_unknown_model_returns_404_at_once()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);

        var response = await server.Client.PutAsync($"/api/models/{Guid.NewGuid()}?async=true", TestObjects.ModelBody(connection, "SELECT id FROM people"));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Null(response.Body!["job"]);
    }

    [Fact]
    public async Task Sample_returns_rows_keyed_by_model_id()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection, "SELECT id, name, email FROM people ORDER BY id");
        var id = model["id"]!.GetValue<string>();

        var response = await server.Client.GetAsync($"/api/models/{id}/sample");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var records = response.Data["records"]!.AsArray();
        Assert.Empty(response.Data["warnings"]!.AsArray());
        Assert.Equal(3, records.Count);
        Assert.Equal([id], records[0]!.AsObject().Select(pair => pair.Key));
        var first = records[0]![id]!;
        Assert.Equal(1, first["id"]!.GetValue<long>());
        Assert.Equal("Ada", first["name"]!.GetValue<string>());
        Assert.Equal("ada@example.com", first["email"]!.GetValue<string>());
        var third = records[2]![id]!.AsObject();
        Assert.True(third.ContainsKey("email"));
        Assert.Null(third["email"]);
    }

    [Fact]
    public async Task Sample_encodes_values_like_record_logs()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection, "SELECT 1.5 AS ratio, x'0102ff' AS bytes, 'x' AS text");
        var id = model["id"]!.GetValue<string>();

        var record = (await server.Client.GetAsync($"/api/models/{id}/sample")).Data["records"]![0]![id]!;

        Assert.Equal(1.5, record["ratio"]!.GetValue<double>());
        Assert.Equal(Convert.ToBase64String(new byte[] { 1, 2, 0xff }), record["bytes"]!.GetValue<string>());
        Assert.Equal("x", record["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sample_limits_rows_and_fields()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var body = TestObjects.ModelBody(connection, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) SELECT i FROM n");
        body["additional_fields"] = new JsonArray(new JsonObject { ["name"] = "score", ["label"] = "Score", ["type"] = "number" });
        var created = await server.Client.PostAsync("/api/models", body);
        var id = created.Data["id"]!.GetValue<string>();

        var records = (await server.Client.GetAsync($"/api/models/{id}/sample")).Data["records"]!.AsArray();

        Assert.Equal(10, records.Count);
        Assert.Equal(Enumerable.Range(1, 10), records.Select(r => r![id]!["i"]!.GetValue<int>()));
        Assert.Equal(["i"], records[0]![id]!.AsObject().Select(pair => pair.Key));
    }

    [Fact]
    public async Task Sample_async_result_equals_sync_response()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection, "SELECT id, name, email FROM people ORDER BY id");
        var id = model["id"]!.GetValue<string>();
        var inline = await server.Client.GetAsync($"/api/models/{id}/sample?async=false");

        var started = await server.Client.GetAsync($"/api/models/{id}/sample?async=true");
        var job = await WaitForJobAsync(server.Client, started, "samplemodel");

        Assert.Equal("done", job["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(inline.Data, job["result"]), $"{inline.Data.ToJsonString()} != {job["result"]?.ToJsonString()}");
    }

    [Fact]
    public async Task Sample_async_of_dropped_table_fails_job()
    {
        var path = await server.CreateSqliteDatabaseAsync(TestObjects.PeopleSql);
        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "dropped", ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = path } });
        var model = await server.Client.PostAsync("/api/models", new JsonObject
        {
            ["name"] = "people",
            ["connection_id"] = created.Data["id"]!.GetValue<string>(),
            ["configuration"] = new JsonObject { ["table"] = "people" },
        });
        var id = model.Data["id"]!.GetValue<string>();
        await ExecuteSqliteAsync(path, "DROP TABLE people");

        var started = await server.Client.GetAsync($"/api/models/{id}/sample?async=true");
        var job = await WaitForJobAsync(server.Client, started, "samplemodel");
        var inline = await server.Client.GetAsync($"/api/models/{id}/sample");

        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Null(job["result"]);
        Assert.Equal(inline.Body!["message"]!.GetValue<string>(), job["error"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode)422, inline.Status);
        Assert.Equal("model_query_failed", inline.ErrorKey);
    }

    [Fact]
    public async Task Sample_over_10_s_returns_400()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);

        // Each row counts to 8 million in SQLite, which takes seconds, so ten rows take well over 10 s.
        var model = await TestObjects.CreateModelAsync(server.Client, connection, """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
            SELECT i AS id,
                   (WITH RECURSIVE c(x) AS (SELECT n.i UNION ALL SELECT x + 1 FROM c WHERE x < n.i + 8000000) SELECT COUNT(*) FROM c) AS busy
            FROM n
            """);

        var response = await server.Client.GetAsync($"/api/models/{model["id"]!.GetValue<string>()}/sample");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("sample_timed_out", response.ErrorKey);
        Assert.Equal("async", response.ErrorField);
        Assert.Contains("async=true", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_unknown_or_malformed_model_returns_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/models/{Guid.NewGuid()}/sample")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/api/models/not-a-uuid/sample?async=true")).Status);
    }

    [Fact]
    public async Task Job_unknown_type_returns_400_naming_it()
    {
        var response = await server.Client.GetAsync($"/api/jobs/exportmodels/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_job_type", response.ErrorKey);
        Assert.Equal("type", response.ErrorField);
        Assert.Equal("exportmodels", response.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Job_unknown_malformed_or_other_type_returns_404()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var started = await server.Client.PostAsync("/api/model-preview?async=true", TestObjects.ModelBody(connection, "SELECT id FROM people"));
        var jobId = started.Body!["job"]!["job_id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/api/jobs/previewmodel/{jobId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/jobs/createmodel/{jobId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/jobs/exportlogs/{jobId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/jobs/previewmodel/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/api/jobs/previewmodel/not-a-uuid")).Status);
    }

    [Fact]
    public async Task Other_organization_gets_404_for_jobs_and_samples()
    {
        var connection = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql);
        var model = await TestObjects.CreateModelAsync(server.Client, connection);
        var id = model["id"]!.GetValue<string>();
        var started = await server.Client.GetAsync($"/api/models/{id}/sample?async=true");
        var job = await WaitForJobAsync(server.Client, started, "samplemodel");
        var (_, other) = await server.CreateOrganizationAsync();
        using var otherClient = other;

        var jobResponse = await otherClient.GetAsync($"/api/jobs/samplemodel/{job["job_id"]!.GetValue<string>()}");
        var sampleResponse = await otherClient.GetAsync($"/api/models/{id}/sample?async=true");

        Assert.Equal(HttpStatusCode.NotFound, jobResponse.Status);
        Assert.Equal("not_found", jobResponse.ErrorKey);
        Assert.Equal(HttpStatusCode.NotFound, sampleResponse.Status);
    }

    /// <summary>Checks the immediate response of an async request, then polls Get Job until the job finishes.</summary>
    private static async Task<JsonNode> WaitForJobAsync(ApiClient client, ApiResponse started, string type)
    {
        Assert.True(started.Status == HttpStatusCode.OK, started.Text);
        Assert.Null(started.Body!["data"]);
        var job = started.Body["job"]!;
        Assert.Equal(type, job["type"]!.GetValue<string>());
        Assert.Contains(job["status"]!.GetValue<string>(), new[] { "created", "running", "done", "failed" });
        var id = job["job_id"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out _));

        var deadline = TimeProvider.System.GetUtcNow() + PollTimeout;
        while (true)
        {
            var response = await client.GetAsync($"/api/jobs/{type}/{id}");
            Assert.True(response.Status == HttpStatusCode.OK, response.Text);
            var data = response.Data;
            Assert.Equal(id, data["job_id"]!.GetValue<string>());
            Assert.Equal(type, data["type"]!.GetValue<string>());
            var status = data["status"]!.GetValue<string>();
            if (status is "done" or "failed")
            {
                return data;
            }

            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"job {id} is still {status} after {PollTimeout.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    private static async Task<int> CountModelsAsync(ApiClient client) => (await client.GetAsync("/api/models")).Data.AsArray().Count;

    private async Task ExecuteSqliteAsync(string relativePath, string sql)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(server.FilesRoot, relativePath), Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
