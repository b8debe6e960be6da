using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.Syncs;
using Outflow.Core.Syncs;

namespace Outflow.Api.Tests;

/// <summary>Create Sync and Update Sync with <c>target.new_name</c> on a SQLite target connection.</summary>
public sealed class SyncTargetCreationTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const string EmptySql = "CREATE TABLE unrelated (id INTEGER PRIMARY KEY);";

    [Fact]
    public async Task Create_with_new_name_creates_table_and_runs()
    {
        var (modelId, targetId, path) = await CreateSourceAndTargetAsync();

        var created = await server.Client.PostAsync("/api/syncs", NewTableBody(modelId, targetId, "people_copy"));

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        var target = created.Data["target"]!;
        Assert.Equal("people_copy", target["object"]!.GetValue<string>());
        Assert.Null(target["new_name"]);
        var syncId = created.Data["id"]!.GetValue<string>();
        var stored = await server.Client.GetAsync($"/api/syncs/{syncId}");
        Assert.Equal("people_copy", stored.Data["target"]!["object"]!.GetValue<string>());

        var columns = await ReadColumnsAsync(path, "people_copy");
        Assert.Equal(["id INTEGER pk", "name TEXT", "email TEXT"], columns);

        await TestObjects.RunSyncAsync(server.Client, syncId);
        Assert.Equal(
            ["1|Ada|ada@example.com", "2|Grace|grace@example.com", "3|Linus|"],
            await ReadRowsAsync(path, "SELECT id, name, email FROM people_copy ORDER BY id"));
    }

    [Fact]
    public async Task Create_snapshot_table_adds_snapshot_columns()
    {
        var (modelId, targetId, path) = await CreateSourceAndTargetAsync();
        var body = NewTableBody(modelId, targetId, "people_history");
        body["mode"] = "snapshot";
        body.Remove("identity");
        body["fields"]!.AsArray().Insert(0, new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "id" }, ["target"] = "id" });

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal(
            ["id INTEGER", "name TEXT", "email TEXT", "outflow_execution_id TEXT", "outflow_snapshot_at DATETIME"],
            await ReadColumnsAsync(path, "people_history"));
        await TestObjects.RunSyncAsync(server.Client, created.Data["id"]!.GetValue<string>());
        Assert.Equal(["3"], await ReadRowsAsync(path, "SELECT count(DISTINCT id) FROM people_history WHERE outflow_execution_id IS NOT NULL"));
    }

    [Fact]
    public async Task Update_with_new_name_moves_sync()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = NewTableBody(setup.ModelId, setup.TargetConnectionId, "contacts_v2");

        var updated = await server.Client.PutAsync($"/api/syncs/{setup.SyncId}", body);

        Assert.True(updated.Status == HttpStatusCode.OK, updated.Text);
        Assert.Equal("contacts_v2", updated.Data["target"]!["object"]!.GetValue<string>());
        var objects = await server.Client.GetAsync($"/api/connections/{setup.TargetConnectionId}/modelsync/targetobjects");
        Assert.Contains("contacts_v2", objects.Data.AsArray().Select(o => o!["id"]!.GetValue<string>()));

        // A client that sends back what Get Sync returned keeps the table instead of asking for it again.
        var stored = (await server.Client.GetAsync($"/api/syncs/{setup.SyncId}")).Data.AsObject();
        Assert.Null(stored["fields"]![0]!["new"]);
        var resent = await server.Client.PutAsync($"/api/syncs/{setup.SyncId}", stored.DeepClone());
        Assert.True(resent.Status == HttpStatusCode.OK, resent.Text);
    }

    [Theory]
    [InlineData("existing table", "target_object_exists", "target.new_name", "unrelated")]
    [InlineData("existing table other case", "target_object_exists", "target.new_name", "UNRELATED")]
    [InlineData("reserved name", "invalid_target_name", "target.new_name", "sqlite_things")]
    [InlineData("blank name", "invalid_target_name", "target.new_name", " ")]
    [InlineData("creation property", "invalid_creation_property", "target.create.schema", "main")]
    [InlineData("bad remote type", "invalid_field_type", "identity.remote_field_type_id", "INTEGER; DROP TABLE unrelated")]
    [InlineData("unknown model field", "unknown_model_field", "fields[0].source.field", "nickname")]
    [InlineData("missing identity", "missing_identity", "identity", null)]
    [InlineData("mapping twice", "duplicate_target_field", "fields[1].target", "name")]
    public async Task Create_bad_new_target_creates_nothing(string problem, string key, string field, string? value)
    {
        var (modelId, targetId, path) = await CreateSourceAndTargetAsync();
        var body = NewTableBody(modelId, targetId, "people_copy");
        var fields = body["fields"]!.AsArray();
        switch (problem)
        {
            case "existing table": body["target"]!["new_name"] = "unrelated"; break;
            case "existing table other case": body["target"]!["new_name"] = "UNRELATED"; break;
            case "reserved name": body["target"]!["new_name"] = "sqlite_things"; break;
            case "blank name": body["target"]!["new_name"] = " "; break;
            case "creation property": body["target"]!["create"] = new JsonObject { ["schema"] = "main" }; break;
            case "bad remote type": body["identity"]!["remote_field_type_id"] = "INTEGER; DROP TABLE unrelated"; break;
            case "unknown model field": fields[0]!["source"]!["field"] = "nickname"; break;
            case "missing identity": body.Remove("identity"); break;
            case "mapping twice": fields[1]!["target"] = "name"; break;
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown test case");
        }

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True((int)response.Status == 422, response.Text);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.Equal(value, response.Body!["metadata"]!["value"]?.ToString());
        Assert.Equal(["unrelated"], await ReadRowsAsync(path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"));
    }

    [Fact]
    public async Task Create_with_remote_field_type_uses_it()
    {
        var (modelId, targetId, path) = await CreateSourceAndTargetAsync();
        var body = NewTableBody(modelId, targetId, "people_text_key");
        body["identity"]!["remote_field_type_id"] = "VARCHAR(20)";

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal(["id VARCHAR(20) pk", "name TEXT", "email TEXT"], await ReadColumnsAsync(path, "people_text_key"));
    }

    [Fact]
    public async Task Failed_save_drops_new_table()
    {
        var (modelId, targetId, path) = await CreateSourceAndTargetAsync();
        var organizationId = Guid.Parse((await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var request = NewTableBody(modelId, targetId, "people_copy").Deserialize<SyncConfiguration>(ApiJson.Options)!;
        using var scope = server.Server.Services.CreateScope();
        var validator = scope.ServiceProvider.GetRequiredService<SyncValidator>();
        var (configuration, plan) = await validator.ValidateAsync(organizationId, request, null, CancellationToken.None);
        Assert.NotNull(plan);
        List<string>? tablesDuringSave = null;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => plan.CreateThenSaveAsync(
            configuration,
            async saved =>
            {
                Assert.Equal("people_copy", saved.Target!.Object);
                tablesDuringSave = await ReadRowsAsync(path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
                throw new InvalidOperationException("the store is unavailable");
            },
            NullLogger.Instance,
            CancellationToken.None));

        Assert.Equal("the store is unavailable", failure.Message);
        Assert.Equal(["people_copy", "unrelated"], tablesDuringSave);
        Assert.Equal(["unrelated"], await ReadRowsAsync(path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"));
    }

    [Fact]
    public async Task Table_created_meanwhile_returns_422()
    {
        var (modelId, targetId, path) = await CreateSourceAndTargetAsync();
        var organizationId = Guid.Parse((await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var request = NewTableBody(modelId, targetId, "people_copy").Deserialize<SyncConfiguration>(ApiJson.Options)!;
        using var scope = server.Server.Services.CreateScope();
        var (configuration, plan) = await scope.ServiceProvider.GetRequiredService<SyncValidator>()
            .ValidateAsync(organizationId, request, null, CancellationToken.None);
        await ReadRowsAsync(path, "CREATE TABLE People_Copy (other TEXT)");
        var saves = 0;

        var failure = await Assert.ThrowsAsync<ApiException>(() => plan!.CreateThenSaveAsync(
            configuration, _ => Task.FromResult(++saves), NullLogger.Instance, CancellationToken.None));

        Assert.Equal(ApiErrorKeys.TargetObjectExists, failure.Key);
        Assert.Equal(0, saves);
        Assert.Equal(["other TEXT"], await ReadColumnsAsync(path, "People_Copy"));
    }

    /// <summary>An updateOrCreate body that maps the people model's id, name and email into a new table.</summary>
    private static JsonObject NewTableBody(string modelId, string targetConnectionId, string newName) => new()
    {
        ["name"] = "people to a new table",
        ["mode"] = "updateOrCreate",
        ["active"] = true,
        ["target"] = new JsonObject { ["connection_id"] = targetConnectionId, ["new_name"] = newName },
        ["identity"] = new JsonObject
        {
            ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "id" },
            ["target"] = "id",
            ["function"] = "Equality",
        },
        ["fields"] = new JsonArray
        {
            new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "name" }, ["target"] = "name", ["new"] = true },
            new JsonObject { ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "email" }, ["target"] = "email" },
        },
        ["schedule"] = new JsonObject(),
    };

    private async Task<(string ModelId, string TargetConnectionId, string TargetPath)> CreateSourceAndTargetAsync()
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql, "source");
        var model = await TestObjects.CreateModelAsync(server.Client, source);
        var path = await server.CreateSqliteDatabaseAsync(EmptySql);
        var target = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "target", ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = path } });
        Assert.True(target.Status == HttpStatusCode.OK, target.Text);
        return (model["id"]!.GetValue<string>(), target.Data["id"]!.GetValue<string>(), Path.Combine(server.FilesRoot, path));
    }

    /// <summary>Reads a table's columns as "name TYPE", with " pk" after primary key columns.</summary>
    private static Task<List<string>> ReadColumnsAsync(string path, string table) =>
        ReadRowsAsync(path, $"SELECT name || ' ' || type || CASE WHEN pk > 0 THEN ' pk' ELSE '' END FROM pragma_table_info('{table}') ORDER BY cid");

    /// <summary>Runs a statement and returns each row's values joined with "|", nulls as empty text.</summary>
    private static async Task<List<string>> ReadRowsAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
