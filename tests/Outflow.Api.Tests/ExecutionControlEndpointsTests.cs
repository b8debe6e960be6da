using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Api.Tests;

/// <summary>Activate Sync, Cancel Sync, Cancel Execution and Update Execution.</summary>
public sealed class ExecutionControlEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const int LargeRowCount = 200_000;

    [Fact]
    public async Task Activate_false_blocks_start()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);

        var response = await server.Client.PostAsync($"/api/syncs/{setup.SyncId}/activate", new JsonObject { ["active"] = false });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(setup.SyncId, response.Data["id"]!.GetValue<string>());
        Assert.False(response.Data["active"]!.GetValue<bool>());
        var sync = (await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Data;
        Assert.False(sync["active"]!.GetValue<bool>());
        Assert.Equal("people to contacts", sync["name"]!.GetValue<string>());
        Assert.Equal(3, sync["fields"]!.AsArray().Count);

        var start = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions");
        Assert.Equal(HttpStatusCode.Conflict, start.Status);
        Assert.Equal("sync_inactive", start.ErrorKey);

        var reactivated = await server.Client.PostAsync($"/api/syncs/{setup.SyncId}/activate", new JsonObject { ["active"] = true });
        Assert.Equal(HttpStatusCode.OK, reactivated.Status);
        Assert.True(reactivated.Data["active"]!.GetValue<bool>());
        Assert.True((await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Data["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Activate_false_leaves_running_execution()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId);

        var response = await server.Client.PostAsync($"/api/syncs/{setup.SyncId}/activate", new JsonObject { ["active"] = false });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var execution = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}");
        Assert.Equal("created", execution.Data["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{}""", "missing_field", "active")]
    [InlineData("""{"active":null}""", "missing_field", "active")]
    [InlineData("""{"active":"yes"}""", "invalid_field", "active")]
    [InlineData("""{"active":1}""", "invalid_field", "active")]
    [InlineData("", "invalid_json", null)]
    [InlineData("[true]", "invalid_json", null)]
    public async Task Activate_bad_body_returns_400(string body, string key, string? field)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);

        var response = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/activate", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.True((await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Data["active"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    public async Task CancelSync_idle_returns_message(string? body)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);

        var response = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/cancel", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($"no execution of sync {setup.SyncId} is running", response.Data["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelSync_requests_cancellation_of_current_execution()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId);

        var response = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/cancel");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($"cancellation of execution {executionId} requested", response.Data["message"]!.GetValue<string>());
        var execution = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}");
        Assert.Equal("canceling", execution.Data["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelExecution_unfinished_moves_to_canceling()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId);

        var response = await server.Client.PostAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/cancel", new JsonObject());

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($"cancellation of execution {executionId} requested", response.Data["message"]!.GetValue<string>());
        var execution = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}");
        Assert.Equal("canceling", execution.Data["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelExecution_finished_returns_execution_finished()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId, finishAs: ExecutionStatus.Completed);

        var response = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions/{executionId}/cancel");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("execution_finished", response.ErrorKey);
        Assert.Contains("completed", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var execution = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}");
        Assert.Equal("completed", execution.Data["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelExecution_with_get_returns_405()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId, finishAs: ExecutionStatus.Completed);

        var response = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/cancel");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal("method_not_allowed", response.ErrorKey);
        Assert.Equal("POST", response.Headers["Allow"]);
    }

    [Fact]
    public async Task UpdateExecution_to_canceled_returns_execution()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId);

        var response = await server.Client.PutAsync(
            $"/api/syncs/{setup.SyncId}/executions/{executionId}", new JsonObject { ["status"] = "canceled" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(executionId.ToString(), response.Data["id"]!.GetValue<string>());
        Assert.Equal("canceling", response.Data["status"]!.GetValue<string>());
        Assert.Equal("manual", response.Data["type"]!.GetValue<string>());
        Assert.NotNull(response.Data["counts"]);
        Assert.NotNull(response.Data["errors"]);
    }

    [Theory]
    [InlineData(null, """{"status":"failed"}""", "invalid_status_transition")]
    [InlineData(null, """{"status":"running"}""", "invalid_status_transition")]
    [InlineData(null, """{"status":"completed"}""", "invalid_status_transition")]
    [InlineData(ExecutionStatus.Completed, """{"status":"canceled"}""", "invalid_status_transition")]
    [InlineData(ExecutionStatus.Failed, """{"status":"queued"}""", "invalid_status_transition")]
    [InlineData(ExecutionStatus.Canceled, """{"status":"canceled"}""", "invalid_status_transition")]
    [InlineData(null, """{"status":"bogus"}""", "invalid_field")]
    [InlineData(null, """{"status":"Canceled"}""", "invalid_field")]
    [InlineData(null, """{"status":7}""", "invalid_field")]
    [InlineData(null, """{}""", "missing_field")]
    public async Task UpdateExecution_rejected_change_returns_400(ExecutionStatus? finishAs, string body, string key)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId, finishAs);
        var path = $"/api/syncs/{setup.SyncId}/executions/{executionId}";
        var before = (await server.Client.GetAsync(path)).Data["status"]!.GetValue<string>();

        var response = await server.Client.SendAsync(HttpMethod.Put, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal("status", response.ErrorField);
        Assert.Equal(before, (await server.Client.GetAsync(path)).Data["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routes_return_404_for_unknown_or_foreign_ids()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var executionId = await InsertExecutionAsync(setup.SyncId);
        var otherSetup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var activate = new JsonObject { ["active"] = false };
        var cancel = new JsonObject { ["status"] = "canceled" };

        var (_, other) = await server.CreateOrganizationAsync();
        using (other)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/syncs/{setup.SyncId}/activate", activate)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/syncs/{setup.SyncId}/cancel", null)).Status);
            Assert.Equal(
                HttpStatusCode.NotFound, (await other.PostAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/cancel", null)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}", cancel)).Status);
        }

        var cases = new Dictionary<string, (HttpMethod Method, string Path, JsonNode? Body)>
        {
            ["activate malformed sync"] = (HttpMethod.Post, "/api/syncs/not-a-uuid/activate", activate),
            ["activate unknown sync"] = (HttpMethod.Post, $"/api/syncs/{Guid.NewGuid()}/activate", activate),
            ["cancel malformed sync"] = (HttpMethod.Post, "/api/syncs/not-a-uuid/cancel", null),
            ["cancel unknown sync"] = (HttpMethod.Post, $"/api/syncs/{Guid.NewGuid()}/cancel", null),
            ["cancel execution of other sync"] = (HttpMethod.Post, $"/api/syncs/{otherSetup.SyncId}/executions/{executionId}/cancel", null),
            ["cancel malformed execution"] = (HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions/not-a-uuid/cancel", null),
            ["cancel execution malformed sync"] = (HttpMethod.Post, $"/api/syncs/not-a-uuid/executions/{executionId}/cancel", null),
            ["update execution of other sync"] = (HttpMethod.Put, $"/api/syncs/{otherSetup.SyncId}/executions/{executionId}", cancel),
            ["update malformed execution"] = (HttpMethod.Put, $"/api/syncs/{setup.SyncId}/executions/not-a-uuid", cancel),
            ["update unknown execution"] = (HttpMethod.Put, $"/api/syncs/{setup.SyncId}/executions/{Guid.NewGuid()}", cancel),
        };
        foreach (var (name, (method, path, body)) in cases)
        {
            var response = await server.Client.SendAsync(method, path, body?.ToJsonString());
            Assert.True(response.Status == HttpStatusCode.NotFound, $"{name}: {response.Status} {response.Text}");
            Assert.Equal("not_found", response.ErrorKey);
        }

        var execution = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}");
        Assert.Equal("created", execution.Data["status"]!.GetValue<string>());
        Assert.True((await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Data["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CancelSync_mid_run_then_resumes()
    {
        var sourcePath = await server.CreateSqliteDatabaseAsync($"""
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {LargeRowCount})
            INSERT INTO people (id, name, email) SELECT i, 'person ' || i, 'p' || i || '@example.com' FROM n;
            """);
        var targetPath = await server.CreateSqliteDatabaseAsync(TestObjects.ContactsSql);
        var source = await CreateConnectionAsync(sourcePath);
        var target = await CreateConnectionAsync(targetPath);
        var modelId = (await TestObjects.CreateModelAsync(server.Client, source))["id"]!.GetValue<string>();
        var created = await server.Client.PostAsync("/api/syncs", TestObjects.SyncBody(modelId, target));
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var syncId = created.Data["id"]!.GetValue<string>();

        var first = await StartAsync(syncId);
        var running = await WaitForStatusAsync(syncId, first, status => status is "running" || IsTerminal(status));
        Assert.Equal("running", running["status"]!.GetValue<string>());
        var cancel = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{syncId}/cancel");
        Assert.Equal(HttpStatusCode.OK, cancel.Status);
        Assert.Equal($"cancellation of execution {first} requested", cancel.Data["message"]!.GetValue<string>());

        var canceled = await WaitForStatusAsync(syncId, first, IsTerminal);
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.NotNull(canceled["completed_at"]);
        var firstInserts = canceled["counts"]!["insert"]!.GetValue<long>();
        Assert.True(firstInserts < LargeRowCount, $"the first execution wrote all {firstInserts} rows before it was canceled");
        Assert.Equal(firstInserts, await CountRowsAsync(targetPath, "SELECT COUNT(*) FROM contacts"));

        var second = await StartAsync(syncId);
        var completed = await WaitForStatusAsync(syncId, second, IsTerminal);
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Empty(completed["errors"]!.AsArray());
        Assert.Equal(0, completed["counts"]!["error"]!.GetValue<long>());
        Assert.Equal(LargeRowCount - firstInserts, completed["counts"]!["insert"]!.GetValue<long>());
        Assert.Equal(LargeRowCount, await CountRowsAsync(targetPath, "SELECT COUNT(*) FROM contacts"));
        Assert.Equal(LargeRowCount, await CountRowsAsync(targetPath, "SELECT COUNT(DISTINCT id) FROM contacts"));
        Assert.Equal(
            LargeRowCount,
            await CountRowsAsync(targetPath, $"SELECT COUNT(*) FROM contacts WHERE id BETWEEN 1 AND {LargeRowCount} AND name = 'person ' || id"));
    }

    private static bool IsTerminal(string status) => status is "completed" or "failed" or "canceled" or "interrupted";

    private async Task<string> CreateConnectionAsync(string path)
    {
        var response = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "sqlite", ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = path } });
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Data["id"]!.GetValue<string>();
    }

    private async Task<string> StartAsync(string syncId)
    {
        var response = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{syncId}/executions");
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Data["id"]!.GetValue<string>();
    }

    private async Task<JsonNode> WaitForStatusAsync(string syncId, string executionId, Func<string, bool> done)
    {
        // A bound on polling, not a timing assertion: it only keeps a broken engine from hanging the test run.
        for (var attempt = 0; attempt < 6000; attempt++)
        {
            var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}");
            Assert.Equal(HttpStatusCode.OK, response.Status);
            if (done(response.Data["status"]!.GetValue<string>()))
            {
                return response.Data;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"execution {executionId} did not reach the expected status");
    }

    private async Task<long> CountRowsAsync(string relativePath, string sql)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(server.FilesRoot, relativePath),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Inserts an execution of the sync without dispatching it, optionally finished with <paramref name="finishAs"/>.</summary>
    private async Task<Guid> InsertExecutionAsync(string syncId, ExecutionStatus? finishAs = null)
    {
        var organizationId = Guid.Parse((await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var sync = (await server.GetService<ISyncStore>().GetAsync(organizationId, Guid.Parse(syncId), CancellationToken.None))!;
        var executions = server.GetService<IExecutionStore>();
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            SyncId = sync.Id,
            Status = ExecutionStatus.Created,
            Type = ExecutionTypes.Manual,
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            Configuration = sync.Configuration,
        };
        var (stored, created) = await executions.CreateIfIdleAsync(execution, CancellationToken.None);
        Assert.True(created);
        if (finishAs is { } status)
        {
            await executions.FinishAsync(stored.Id, null, status, [], DateTimeOffset.FromUnixTimeSeconds(1_700_000_001), CancellationToken.None);
        }

        return stored.Id;
    }
}
