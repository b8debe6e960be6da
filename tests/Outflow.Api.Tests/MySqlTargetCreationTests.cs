using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Outflow.Api.Json;
using Outflow.Api.Syncs;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Api.Tests;

/// <summary>Creation properties and Create Sync with <c>target.new_name</c> on a mysql target connection, against MariaDB.</summary>
[Collection(MariaDbFixture.CollectionName)]
public sealed class MySqlTargetCreationTests(MariaDbFixture mariadb, ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task TargetObjects_reports_database_property()
    {
        var (connection, _) = await CreateConnectionAsync();

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var creation = response.Body!["target_creation"]!;
        Assert.True(creation["supported"]!.GetValue<bool>());
        var property = Assert.Single(creation["properties"]!.AsArray())!;
        Assert.Equal("database", property["id"]!.GetValue<string>());
        Assert.Equal("Database", property["title"]!.GetValue<string>());
        Assert.True(property["enum"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TargetPropertyValues_lists_creatable_databases()
    {
        var (connection, database) = await CreateConnectionAsync(asRestrictedUser: true);

        var values = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects/properties/database");

        Assert.True(values.Status == HttpStatusCode.OK, values.Text);
        Assert.Equal([CreatableName(database)], values.Data["values"]!.AsArray().Select(v => v!["value"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task Create_without_database_checks_connection_database()
    {
        var (connection, database) = await CreateConnectionAsync(asRestrictedUser: true);
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "database", database.Name);
        body["target"]!.AsObject().Remove("create");

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True((int)response.Status == 422, response.Text);
        Assert.Equal("invalid_creation_property", response.ErrorKey);
        Assert.Equal("target.create.database", response.ErrorField);
        Assert.Equal(database.Name, response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Empty(await database.ReadColumnAsync("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people'"));
    }

    [Fact]
    public async Task Create_with_new_name_creates_table_and_runs()
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "database", database.Name);
        body["target"]!.AsObject().Remove("create");

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal(database.Name + ".people", created.Data["target"]!["object"]!.GetValue<string>());
        Assert.Null(created.Data["target"]!["new_name"]);
        Assert.Equal(
            ["id bigint(20) PRI", "name longtext", "email longtext"],
            await database.ReadColumnAsync("""
                SELECT CONCAT_WS(' ', COLUMN_NAME, COLUMN_TYPE, NULLIF(COLUMN_KEY, '')) FROM information_schema.COLUMNS
                WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people' ORDER BY ORDINAL_POSITION
                """));

        await TestObjects.RunSyncAsync(server.Client, created.Data["id"]!.GetValue<string>());
        Assert.Equal(
            ["1|Ada|ada@example.com", "2|Grace|grace@example.com", "3|Linus|"],
            await database.ReadColumnAsync("SELECT CONCAT_WS('|', id, name, COALESCE(email, '')) FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Create_in_listed_database()
    {
        var (connection, database) = await CreateConnectionAsync(asRestrictedUser: true);
        var modelId = await CreateModelAsync();

        var created = await server.Client.PostAsync("/api/syncs", TestObjects.NewTableSyncBody(modelId, connection, "people", "database", CreatableName(database)));

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal(CreatableName(database) + ".people", created.Data["target"]!["object"]!.GetValue<string>());
        Assert.Equal(
            ["people"],
            await database.ReadColumnAsync($"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{CreatableName(database)}'"));
    }

    [Theory]
    [InlineData("unknown database", "invalid_creation_property", "target.create.database", "nowhere")]
    [InlineData("unknown property", "invalid_creation_property", "target.create.schema", "public")]
    [InlineData("existing table", "target_object_exists", "target.new_name", "contacts")]
    [InlineData("long name", "invalid_target_name", "target.new_name", null)]
    [InlineData("trailing space", "invalid_target_name", "target.new_name", "people ")]
    [InlineData("unknown type", "invalid_field_type", "identity.remote_field_type_id", "no_such_type")]
    [InlineData("injected type", "invalid_field_type", "identity.remote_field_type_id", "BIGINT); DROP TABLE contacts; --")]
    [InlineData("unindexable key", "target_creation_failed", "target.new_name", "people")]
    [InlineData("names differing in case", "invalid_target_name", "fields[0].target", "id")]
    public async Task Create_bad_new_target_returns_422(string problem, string key, string field, string? value)
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "database", database.Name);
        switch (problem)
        {
            case "unknown database": body["target"]!["create"]!["database"] = "nowhere"; break;
            case "unknown property": body["target"]!["create"]!["schema"] = "public"; break;
            case "existing table": body["target"]!["new_name"] = "contacts"; break;
            case "long name": body["target"]!["new_name"] = new string('p', 65); break;
            case "trailing space": body["target"]!["new_name"] = "people "; break;
            case "unknown type": body["identity"]!["remote_field_type_id"] = "no_such_type"; break;
            case "injected type": body["identity"]!["remote_field_type_id"] = "BIGINT); DROP TABLE contacts; --"; break;

            // MySQL indexes a TEXT column only by a prefix, so it cannot be a primary key.
            case "unindexable key": body["identity"]!["remote_field_type_id"] = "TEXT"; break;

            // MySQL compares column names without case, so ID and id would be one column.
            case "names differing in case":
                body["identity"]!["target"] = "ID";
                body["fields"]![0]!["target"] = "id";
                break;
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown test case");
        }

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True((int)response.Status == 422, response.Text);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        if (problem == "names differing in case")
        {
            Assert.Contains("identity.target ID", response.Text, StringComparison.Ordinal);
        }

        if (value is not null)
        {
            Assert.Equal(value, response.Body!["metadata"]!["value"]!.GetValue<string>());
        }

        Assert.Equal(["contacts"], await database.ReadColumnAsync("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"));
    }

    [Fact]
    public async Task Create_with_remote_field_type_uses_it()
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "database", database.Name);
        body["identity"]!["remote_field_type_id"] = "DECIMAL(12, 0)";

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal(
            ["decimal(12,0)"],
            await database.ReadColumnAsync("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people' AND COLUMN_NAME = 'id'"));
    }

    [Fact]
    public async Task Failed_save_drops_new_table()
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();
        var organizationId = Guid.Parse((await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var request = TestObjects.NewTableSyncBody(modelId, connection, "people", "database", database.Name).Deserialize<SyncConfiguration>(ApiJson.Options)!;
        using var scope = server.Server.Services.CreateScope();
        var (configuration, plan) = await scope.ServiceProvider.GetRequiredService<SyncValidator>()
            .ValidateAsync(organizationId, request, null, CancellationToken.None);
        const string tables = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME";
        List<string>? tablesDuringSave = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => plan!.CreateThenSaveAsync(
            configuration,
            async _ =>
            {
                tablesDuringSave = await database.ReadColumnAsync(tables);
                throw new InvalidOperationException("the store is unavailable");
            },
            NullLogger.Instance,
            CancellationToken.None));

        Assert.Equal(["contacts", "people"], tablesDuringSave);
        Assert.Equal(["contacts"], await database.ReadColumnAsync(tables));
    }

    /// <summary>The second database that <see cref="CreateConnectionAsync"/> makes, in which its restricted user may create tables.</summary>
    private static string CreatableName(MariaDbDatabase database) => database.Name + "_creatable";

    private async Task<string> CreateModelAsync()
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql, "source");
        var model = await TestObjects.CreateModelAsync(server.Client, source);
        return model["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Creates a database with a contacts table, a second database <see cref="CreatableName"/>, and a connection to the
    /// first. With <paramref name="asRestrictedUser"/> the connection logs in as a user that may read and write the
    /// first database but create tables only in the second.
    /// </summary>
    private async Task<(string ConnectionId, MariaDbDatabase Database)> CreateConnectionAsync(bool asRestrictedUser = false)
    {
        var database = await mariadb.CreateDatabaseAsync();
        var configuration = (JsonObject)database.Configuration.DeepClone();
        await database.ReadColumnAsync("CREATE TABLE contacts (id BIGINT PRIMARY KEY, name TEXT)");
        await mariadb.Server.ExecuteAsAdminAsync($"CREATE DATABASE `{CreatableName(database)}`");
        if (asRestrictedUser)
        {
            var user = "creator_" + Guid.NewGuid().ToString("N")[..12];
            var password = Guid.NewGuid().ToString("N");
            await mariadb.Server.ExecuteAsAdminAsync($"""
                CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';
                GRANT SELECT, INSERT, UPDATE, DELETE ON `{database.Name}`.* TO '{user}'@'127.0.0.1';
                GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON `{CreatableName(database)}`.* TO '{user}'@'127.0.0.1';
                """);
            configuration["username"] = user;
            configuration["password"] = password;
        }

        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "maria", ["type"] = "mysql", ["configuration"] = configuration });
        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        return (created.Data["id"]!.GetValue<string>(), database);
    }
}
