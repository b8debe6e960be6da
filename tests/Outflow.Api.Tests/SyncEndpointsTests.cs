using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Api.Tests;

public sealed class SyncEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Create_returns_stored_configuration_and_derived_fields()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: false);
        var response = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var data = response.Data;
        Assert.Equal("people to contacts", data["name"]!.GetValue<string>());
        Assert.Equal("updateOrCreate", data["mode"]!.GetValue<string>());
        Assert.False(data["active"]!.GetValue<bool>());
        Assert.Equal(setup.TargetConnectionId, data["target"]!["connection_id"]!.GetValue<string>());
        Assert.Equal("contacts", data["target"]!["object"]!.GetValue<string>());
        Assert.Equal("Equality", data["identity"]!["function"]!.GetValue<string>());
        Assert.Equal(3, data["fields"]!.AsArray().Count);
        Assert.Equal("from outflow", data["fields"]![2]!["override_value"]!.GetValue<string>());
        Assert.Equal([setup.ModelId], data["model_ids"]!.AsArray().Select(id => id!.GetValue<string>()));
        Assert.NotNull(data["schedule"]);
        Assert.Null(data["encryption_passphrase"]);
        Assert.False(data["sync_all_records"]!.GetValue<bool>());
        Assert.False(data["skip_initial_backfill"]!.GetValue<bool>());
        Assert.False(data["only_enrich_updates"]!.GetValue<bool>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", data["updated_at"]!.GetValue<string>());
        Assert.Equal("user", data["updated_by"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_without_active_defaults_to_inactive()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body.Remove("active");

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Data["active"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("unknown target field", 422, "invalid_field_mapping", "fields[0].target")]
    [InlineData("unknown model field", 422, "unknown_model_field", "fields[1].source.field")]
    [InlineData("unknown model", 422, "model_not_found", "fields[0].source.model_id")]
    [InlineData("target mapped twice", 422, "duplicate_target_field", "fields[1].target")]
    [InlineData("no source", 422, "invalid_field_mapping", "fields[0]")]
    [InlineData("missing identity", 422, "missing_identity", "identity")]
    [InlineData("identity function", 422, "unsupported_identity_function", "identity.function")]
    [InlineData("unknown identity function", 400, "invalid_field", "identity.function")]
    [InlineData("mapping onto identity", 422, "invalid_field_mapping", "fields[0].target")]
    [InlineData("identity target not unique", 422, "invalid_identity", "identity.target")]
    [InlineData("identity source field", 422, "unknown_model_field", "identity.source.field")]
    [InlineData("unknown target object", 422, "target_object_not_found", "target.object")]
    [InlineData("unknown target connection", 422, "connection_not_found", "target.connection_id")]
    [InlineData("dbtcloud schedule", 422, "unsupported_schedule", "schedule.frequency")]
    [InlineData("unknown frequency", 400, "invalid_field", "schedule.frequency")]
    [InlineData("target filter", 422, "unsupported_option", "filters[0].field_type")]
    [InlineData("skip backfill with replace", 422, "unsupported_option", "skip_initial_backfill")]
    [InlineData("snapshot without columns", 422, "unsupported_mode", "mode")]
    [InlineData("passphrase", 422, "unsupported_option", "encryption_passphrase")]
    [InlineData("target create", 422, "invalid_creation_property", "target.create.schema")]
    [InlineData("object and new name", 422, "unsupported_option", "target.new_name")]
    [InlineData("missing name", 400, "missing_field", "name")]
    [InlineData("missing mode", 400, "missing_field", "mode")]
    [InlineData("unknown mode", 400, "invalid_field", "mode")]
    [InlineData("missing schedule", 400, "missing_field", "schedule")]
    [InlineData("missing fields", 400, "missing_field", "fields")]
    [InlineData("empty fields", 422, "invalid_field_mapping", "fields")]
    [InlineData("wrong type", 400, "invalid_field", "fields[0].target")]
    [InlineData("bad field sync mode", 400, "invalid_field", "fields[0].sync_mode")]
    public async Task Create_invalid_configuration_returns_error_naming_field(string problem, int status, string key, string field)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var before = (await server.Client.GetAsync("/api/syncs")).Data.AsArray().Count;
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        var fields = body["fields"]!.AsArray();
        switch (problem)
        {
            case "unknown target field": fields[0]!["target"] = "LeadSrc"; break;
            case "unknown model field": fields[1]!["source"]!["field"] = "nickname"; break;
            case "unknown model": fields[0]!["source"]!["model_id"] = Guid.NewGuid().ToString(); break;
            case "target mapped twice": fields[1]!["target"] = "name"; break;
            case "no source": fields[0]!.AsObject().Remove("source"); break;
            case "missing identity": body.Remove("identity"); break;
            case "identity function": body["identity"]!["function"] = "ISubstring"; break;
            case "unknown identity function": body["identity"]!["function"] = "Bogus"; break;
            case "mapping onto identity": fields[0]!["target"] = "id"; break;
            case "identity target not unique": body["identity"]!["target"] = "name"; break;
            case "identity source field": body["identity"]!["source"]!["field"] = "nickname"; break;
            case "unknown target object": body["target"]!["object"] = "no_such_table"; break;
            case "unknown target connection": body["target"]!["connection_id"] = Guid.NewGuid().ToString(); break;
            case "dbtcloud schedule": body["schedule"] = new JsonObject { ["frequency"] = "dbtcloud", ["job_id"] = 5 }; break;
            case "unknown frequency": body["schedule"] = new JsonObject { ["frequency"] = "fortnightly" }; break;
            case "target filter":
                body["filters"] = new JsonArray(new JsonObject { ["function"] = "IsNull", ["field_id"] = "name", ["field_type"] = "Target" });
                break;
            case "skip backfill with replace":
                body["mode"] = "replace";
                body["skip_initial_backfill"] = true;
                break;
            case "snapshot without columns": body["mode"] = "snapshot"; break;
            case "passphrase": body["encryption_passphrase"] = "secret"; break;
            case "target create": body["target"]!["create"] = new JsonObject { ["schema"] = "main" }; break;
            case "object and new name": body["target"]!["new_name"] = "people_copy"; break;
            case "missing name": body.Remove("name"); break;
            case "missing mode": body.Remove("mode"); break;
            case "unknown mode": body["mode"] = "replicate"; break;
            case "missing schedule": body.Remove("schedule"); break;
            case "missing fields": body.Remove("fields"); break;
            case "empty fields": body["fields"] = new JsonArray(); break;
            case "wrong type": fields[0]!["target"] = 7; break;
            case "bad field sync mode": fields[0]!["sync_mode"] = "always"; break;
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown test case");
        }

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(status, (int)response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.Equal(status, response.Body!["status"]!.GetValue<int>());
        Assert.Equal(before, (await server.Client.GetAsync("/api/syncs")).Data.AsArray().Count);
    }

    [Theory]
    [InlineData("filters", "\"x\"")]
    [InlineData("sync_all_records", "\"yes\"")]
    [InlineData("mode", "5")]
    [InlineData("filter_logic", "[1,2]")]
    public async Task Create_wrong_json_type_names_value(string property, string json)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body[property] = JsonNode.Parse(json);

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(property, response.ErrorField);
        Assert.Equal(json, response.Body!["metadata"]!["value"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_unknown_target_field_message_names_field()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["fields"]![1]!["target"] = "LeadSrc";

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.StartsWith("target field LeadSrc does not exist", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("fields[1].target", response.ErrorField);
    }

    [Fact]
    public async Task Create_two_models_returns_422()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var otherModel = await TestObjects.CreateModelAsync(server.Client, setup.SourceConnectionId);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["fields"]![1]!["source"]!["model_id"] = otherModel["id"]!.GetValue<string>();

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("multiple_models_unsupported", response.ErrorKey);
        Assert.Equal("fields[1].source.model_id", response.ErrorField);
    }

    [Fact]
    public async Task Update_replaces_configuration()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: false);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId, active: true);
        body["name"] = "renamed";
        body["mode"] = "create";
        body["fields"]!.AsArray().RemoveAt(2);

        var response = await server.Client.PutAsync($"/api/syncs/{setup.SyncId}", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("renamed", response.Data["name"]!.GetValue<string>());
        Assert.Equal("create", response.Data["mode"]!.GetValue<string>());
        Assert.True(response.Data["active"]!.GetValue<bool>());
        Assert.Equal(2, response.Data["fields"]!.AsArray().Count);

        var invalid = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        invalid["fields"]![0]!["target"] = "LeadSrc";
        var rejected = await server.Client.PutAsync($"/api/syncs/{setup.SyncId}", invalid);
        Assert.Equal((HttpStatusCode)422, rejected.Status);
        Assert.Equal("renamed", (await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Data["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_filters_and_pages_with_signed_tokens()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        using (client)
        {
            var setup = await TestObjects.CreateSyncAsync(server, client, active: true);
            var ids = new List<string> { setup.SyncId };
            for (var i = 0; i < 4; i++)
            {
                var created = await client.PostAsync("/api/syncs", TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId, active: i % 2 == 0));
                ids.Add(created.Data["id"]!.GetValue<string>());
            }

            var seen = new List<string>();
            string? token = null;
            var pages = 0;
            do
            {
                var path = "/api/syncs?limit=2" + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token));
                var page = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, page.Status);
                var items = page.Data.AsArray();
                Assert.True(items.Count <= 2);
                foreach (var item in items)
                {
                    Assert.Equal(setup.TargetConnectionId, item!["target_connection_id"]!.GetValue<string>());
                    Assert.Equal("contacts", item["target_object"]!.GetValue<string>());
                    seen.Add(item["id"]!.GetValue<string>());
                }

                token = page.Body!["pagination"]!["next_page_token"]?.GetValue<string>();
                pages++;
            }
            while (token is not null && pages < 10);

            Assert.Equal(3, pages);
            Assert.Equal(ids.Order(), seen.Order());

            var active = await client.GetAsync("/api/syncs?active=true");
            Assert.Equal(3, active.Data.AsArray().Count);
            Assert.Null(active.Body!["pagination"]!["next_page_token"]);

            var first = await client.GetAsync("/api/syncs?active=true&limit=1");
            var activeToken = first.Body!["pagination"]!["next_page_token"]!.GetValue<string>();
            var mismatched = await client.GetAsync("/api/syncs?active=false&limit=1&page_token=" + Uri.EscapeDataString(activeToken));
            Assert.Equal(HttpStatusCode.BadRequest, mismatched.Status);
            Assert.Equal("invalid_page_token", mismatched.ErrorKey);

            var foreign = await server.Client.GetAsync("/api/syncs?active=true&limit=1&page_token=" + Uri.EscapeDataString(activeToken));
            Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
            Assert.Equal("invalid_page_token", foreign.ErrorKey);

            var byMode = await client.GetAsync("/api/syncs?mode=create");
            Assert.Empty(byMode.Data.AsArray());
            var byTarget = await client.GetAsync($"/api/syncs?target_connection_id={Guid.NewGuid()}");
            Assert.Empty(byTarget.Data.AsArray());
        }
    }

    [Fact]
    public async Task Start_inactive_sync_returns_409()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: false);

        var response = await server.Client.PostAsync($"/api/syncs/{setup.SyncId}/executions", new JsonObject());

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("sync_inactive", response.ErrorKey);
    }

    [Fact]
    public async Task Start_while_running_returns_409()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var running = await InsertQueuedExecutionAsync(Guid.Parse(setup.SyncId));

        var response = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions");

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("execution_in_progress", response.ErrorKey);
        Assert.Equal(running.ToString(), response.Body!["metadata"]!["execution_id"]!.GetValue<string>());

        var status = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/status");
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal(running.ToString(), status.Data["current_execution"]!["id"]!.GetValue<string>());
        Assert.Null(status.Data["next_execution_time"]);
        Assert.True(status.Data.AsObject().ContainsKey("next_execution_time"));
    }

    [Fact]
    public async Task Start_test_and_dry_run_together_returns_422()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);

        var response = await server.Client.PostAsync(
            $"/api/syncs/{setup.SyncId}/executions", new JsonObject { ["test"] = true, ["dry_run"] = true });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("unsupported_option", response.ErrorKey);
        Assert.Equal("dry_run", response.ErrorField);
    }

    [Theory]
    [InlineData("test", "test")]
    [InlineData("dry_run", "dry_run")]
    public async Task Start_test_or_dry_run_sets_execution_type(string option, string type)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);

        var started = await server.Client.PostAsync($"/api/syncs/{setup.SyncId}/executions", new JsonObject { [option] = true });

        Assert.Equal(HttpStatusCode.OK, started.Status);
        var execution = await WaitForTerminalAsync(setup.SyncId, started.Data["id"]!.GetValue<string>());
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        Assert.Equal(type, execution["type"]!.GetValue<string>());
        Assert.Equal(3, execution["counts"]!["insert"]!.GetValue<int>());

        // Neither run advanced the state. The test run wrote the rows, so they come back as updates; the dry run
        // wrote nothing, so they are inserted now.
        var normal = await server.Client.PostAsync($"/api/syncs/{setup.SyncId}/executions", new JsonObject());
        var next = await WaitForTerminalAsync(setup.SyncId, normal.Data["id"]!.GetValue<string>());
        Assert.Equal("manual", next["type"]!.GetValue<string>());
        Assert.Equal(type == "test" ? 0 : 3, next["counts"]!["insert"]!.GetValue<int>());
        Assert.Equal(type == "test" ? 3 : 0, next["counts"]!["update"]!.GetValue<int>());
    }

    [Fact]
    public async Task Start_after_skipped_backfill_writes_changes()
    {
        var sourcePath = await server.CreateSqliteDatabaseAsync(TestObjects.PeopleSql);
        var source = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "backfill source", ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = sourcePath } });
        var model = (await TestObjects.CreateModelAsync(server.Client, source.Data["id"]!.GetValue<string>()))["id"]!.GetValue<string>();
        var target = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.ContactsSql, "backfill target");
        var body = TestObjects.SyncBody(model, target);
        body["skip_initial_backfill"] = true;
        var created = await server.Client.PostAsync("/api/syncs", body);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var syncId = created.Data["id"]!.GetValue<string>();

        var baseline = await StartAndWaitAsync(syncId);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(server.FilesRoot, sourcePath)};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE people SET name = 'Ada L' WHERE id = 1";
            await command.ExecuteNonQueryAsync();
        }

        var changed = await StartAndWaitAsync(syncId);

        Assert.Equal(0, baseline["counts"]!["total"]!.GetValue<int>());
        Assert.Equal("completed", changed["status"]!.GetValue<string>());
        Assert.Equal(1, changed["counts"]!["insert"]!.GetValue<int>());
        Assert.Equal(1, changed["counts"]!["total"]!.GetValue<int>());
    }

    private async Task<JsonNode> StartAndWaitAsync(string syncId)
    {
        var started = await server.Client.PostAsync($"/api/syncs/{syncId}/executions", new JsonObject());
        Assert.Equal(HttpStatusCode.OK, started.Status);
        return await WaitForTerminalAsync(syncId, started.Data["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_append_sync_with_identities_returns_422()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["mode"] = "append";
        var updated = await server.Client.PutAsync($"/api/syncs/{setup.SyncId}", body);
        Assert.Equal(HttpStatusCode.OK, updated.Status);

        var response = await server.Client.PostAsync(
            $"/api/syncs/{setup.SyncId}/executions", new JsonObject { ["identities"] = new JsonArray("1") });

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("unsupported_option", response.ErrorKey);
        Assert.Equal("identities", response.ErrorField);
    }

    [Fact]
    public async Task Start_with_wrong_body_types_returns_400()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);

        var response = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions", """{"resync":"yes"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("resync", response.ErrorField);
    }

    [Fact]
    public async Task Start_runs_execution_that_writes_target()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);

        var started = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions");

        Assert.Equal(HttpStatusCode.OK, started.Status);
        var executionId = started.Data["id"]!.GetValue<string>();
        Assert.Contains(started.Data["status"]!.GetValue<string>(), new[] { "created", "queued", "running", "completed" });
        Assert.NotNull(started.Data["created_at"]);

        var execution = await WaitForTerminalAsync(setup.SyncId, executionId);
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        Assert.Equal("manual", execution["type"]!.GetValue<string>());
        Assert.Equal(3, execution["counts"]!["insert"]!.GetValue<long>());
        Assert.Equal(3, execution["counts"]!["total"]!.GetValue<long>());
        Assert.Equal(0, execution["counts"]!["error"]!.GetValue<long>());
        Assert.Empty(execution["errors"]!.AsArray());

        var status = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/status");
        Assert.Null(status.Data["current_execution"]);
        Assert.Equal(executionId, status.Data["last_execution"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_cancels_running_execution_and_removes_sync()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var running = await InsertQueuedExecutionAsync(Guid.Parse(setup.SyncId));

        var response = await server.Client.DeleteAsync($"/api/syncs/{setup.SyncId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("", response.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{running}")).Status);
    }

    [Fact]
    public async Task Other_organization_gets_404_on_every_sync_route()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var (_, other) = await server.CreateOrganizationAsync();
        using (other)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/syncs/{setup.SyncId}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/syncs/{setup.SyncId}/status")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/syncs/{setup.SyncId}/executions")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions")).Status);
            Assert.Equal(
                HttpStatusCode.NotFound,
                (await other.PutAsync($"/api/syncs/{setup.SyncId}", TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId))).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/syncs/{setup.SyncId}")).Status);
            Assert.Empty((await other.GetAsync("/api/syncs")).Data.AsArray());

            // Another organization's model and connection do not exist for this caller.
            var create = await other.PostAsync("/api/syncs", TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId));
            Assert.Equal((HttpStatusCode)422, create.Status);
            Assert.Equal("connection_not_found", create.ErrorKey);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Status);
    }

    private async Task<Guid> InsertQueuedExecutionAsync(Guid syncId)
    {
        var syncs = server.GetService<ISyncStore>();
        var organization = (await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>();
        var sync = (await syncs.GetAsync(Guid.Parse(organization), syncId, CancellationToken.None))!;
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = sync.OrganizationId,
            SyncId = sync.Id,
            Status = ExecutionStatus.Created,
            Type = ExecutionTypes.Manual,
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            Configuration = sync.Configuration,
        };
        var (stored, created) = await server.GetService<IExecutionStore>().CreateIfIdleAsync(execution, CancellationToken.None);
        Assert.True(created);
        return stored.Id;
    }

    private async Task<JsonNode> WaitForTerminalAsync(string syncId, string executionId)
    {
        // A bound on polling, not a timing assertion: the execution normally ends within a second.
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}");
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var status = response.Data["status"]!.GetValue<string>();
            if (status is "completed" or "failed" or "canceled" or "interrupted")
            {
                return response.Data;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"execution {executionId} did not finish");
    }
}
