using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Outflow.Api.Json;
using Outflow.Api.Syncs;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Api.Tests;

/// <summary>Creation properties and Create Sync with <c>target.new_name</c> on a PostgreSQL target connection.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgresTargetCreationTests(PostgresFixture postgres, ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const string Schema = """
        CREATE SCHEMA sales;
        CREATE TABLE public.contacts (id bigint PRIMARY KEY, name text);
        """;

    [Fact]
    public async Task TargetObjects_reports_schema_property()
    {
        var (connection, _) = await CreateConnectionAsync();

        var response = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var creation = response.Body!["target_creation"]!;
        Assert.True(creation["supported"]!.GetValue<bool>());
        var property = Assert.Single(creation["properties"]!.AsArray())!;
        Assert.Equal("schema", property["id"]!.GetValue<string>());
        Assert.Equal("Schema", property["title"]!.GetValue<string>());
        Assert.True(property["enum"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TargetPropertyValues_lists_creatable_schemas()
    {
        var (connection, _) = await CreateConnectionAsync();

        var schemas = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects/properties/schema");
        var unknown = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects/properties/tablespace");

        Assert.Equal(HttpStatusCode.OK, schemas.Status);
        Assert.Equal("schema", schemas.Data["id"]!.GetValue<string>());
        Assert.True(schemas.Data["enum"]!.GetValue<bool>());
        Assert.Equal(["public", "sales"], schemas.Data["values"]!.AsArray().Select(v => v!["value"]!.GetValue<string>()).ToList());
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("property", unknown.ErrorField);
        Assert.Equal("tablespace", unknown.Body!["metadata"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task TargetPropertyValues_omits_schemas_without_create_privilege()
    {
        var (connection, _) = await CreateConnectionAsync(asRestrictedUser: true);

        var schemas = await server.Client.GetAsync($"/api/connections/{connection}/modelsync/targetobjects/properties/schema");

        Assert.True(schemas.Status == HttpStatusCode.OK, schemas.Text);
        Assert.Equal(["sales"], schemas.Data["values"]!.AsArray().Select(v => v!["value"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task Create_without_schema_checks_default_schema()
    {
        var (connection, database) = await CreateConnectionAsync(asRestrictedUser: true);
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "schema", "sales");
        body["target"]!.AsObject().Remove("create");

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True((int)response.Status == 422, response.Text);
        Assert.Equal("invalid_creation_property", response.ErrorKey);
        Assert.Equal("target.create.schema", response.ErrorField);
        Assert.Equal("public", response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Empty(await ReadRowsAsync(database, "SELECT tablename FROM pg_tables WHERE tablename = 'people'"));
    }

    [Fact]
    public async Task Create_with_new_name_creates_table_and_runs()
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();

        var created = await server.Client.PostAsync("/api/syncs", TestObjects.NewTableSyncBody(modelId, connection, "people", "schema", "sales"));

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal("sales.people", created.Data["target"]!["object"]!.GetValue<string>());
        Assert.Null(created.Data["target"]!["new_name"]);
        Assert.Equal(
            ["id bigint pk", "name text", "email text"],
            await ReadRowsAsync(database, """
                SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                       || CASE WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)) THEN ' pk' ELSE '' END
                FROM pg_attribute a WHERE a.attrelid = 'sales.people'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
                """));

        await TestObjects.RunSyncAsync(server.Client, created.Data["id"]!.GetValue<string>());
        Assert.Equal(
            ["1|Ada|ada@example.com", "2|Grace|grace@example.com", "3|Linus|"],
            await ReadRowsAsync(database, "SELECT id::text || '|' || name || '|' || coalesce(email, '') FROM sales.people ORDER BY id"));
    }

    [Theory]
    [InlineData("unknown schema", "invalid_creation_property", "target.create.schema", "nowhere")]
    [InlineData("unknown property", "invalid_creation_property", "target.create.tablespace", "pg_default")]
    [InlineData("existing table", "target_object_exists", "target.new_name", "contacts")]
    [InlineData("long name", "invalid_target_name", "target.new_name", null)]
    [InlineData("unknown type", "invalid_field_type", "identity.remote_field_type_id", "no_such_type")]
    [InlineData("pseudo type", "invalid_field_type", "identity.remote_field_type_id", "void")]
    [InlineData("injected type", "invalid_field_type", "identity.remote_field_type_id", "bigint); DROP TABLE contacts; --")]
    [InlineData("unknown model field", "unknown_model_field", "fields[0].source.field", "nickname")]
    public async Task Create_bad_new_target_returns_422(string problem, string key, string field, string? value)
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "schema", "public");
        switch (problem)
        {
            case "unknown schema": body["target"]!["create"]!["schema"] = "nowhere"; break;
            case "unknown property": body["target"]!["create"]!["tablespace"] = "pg_default"; break;
            case "existing table": body["target"]!["new_name"] = "contacts"; break;
            case "long name": body["target"]!["new_name"] = new string('p', 64); break;
            case "unknown type": body["identity"]!["remote_field_type_id"] = "no_such_type"; break;
            case "pseudo type": body["identity"]!["remote_field_type_id"] = "void"; break;
            case "injected type": body["identity"]!["remote_field_type_id"] = "bigint); DROP TABLE contacts; --"; break;
            case "unknown model field": body["fields"]![0]!["source"]!["field"] = "nickname"; break;
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown test case");
        }

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True((int)response.Status == 422, response.Text);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        if (value is not null)
        {
            Assert.Equal(value, response.Body!["metadata"]!["value"]!.GetValue<string>());
        }

        Assert.Equal(
            ["public.contacts"],
            await ReadRowsAsync(database, "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('public', 'sales') ORDER BY 1"));
    }

    [Fact]
    public async Task Create_with_remote_field_type_uses_it()
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "schema", "public");
        body["identity"]!["remote_field_type_id"] = "numeric(12, 0)";

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Equal(
            ["numeric(12,0)"],
            await ReadRowsAsync(database, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.people'::regclass AND attname = 'id'"));
    }

    [Fact]
    public async Task Key_that_cannot_identify_drops_table()
    {
        var (connection, database) = await CreateConnectionAsync();
        await ReadRowsAsync(database, """
            CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE DOMAIN loose_text AS text COLLATE case_insensitive;
            """);
        var modelId = await CreateModelAsync();
        var body = TestObjects.NewTableSyncBody(modelId, connection, "people", "schema", "sales");
        body["identity"]!["remote_field_type_id"] = "loose_text";

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True((int)response.Status == 422, response.Text);
        Assert.Equal("invalid_field_type", response.ErrorKey);
        Assert.Equal("identity.remote_field_type_id", response.ErrorField);
        Assert.Contains("case_insensitive", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await ReadRowsAsync(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'sales'"));
        Assert.Empty((await server.Client.GetAsync($"/api/syncs?target_connection_id={connection}")).Data.AsArray());
    }

    [Fact]
    public async Task Failed_save_drops_new_table()
    {
        var (connection, database) = await CreateConnectionAsync();
        var modelId = await CreateModelAsync();
        var organizationId = Guid.Parse((await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var request = TestObjects.NewTableSyncBody(modelId, connection, "people", "schema", "sales").Deserialize<SyncConfiguration>(ApiJson.Options)!;
        using var scope = server.Server.Services.CreateScope();
        var (configuration, plan) = await scope.ServiceProvider.GetRequiredService<SyncValidator>()
            .ValidateAsync(organizationId, request, null, CancellationToken.None);
        List<string>? tablesDuringSave = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => plan!.CreateThenSaveAsync(
            configuration,
            async _ =>
            {
                tablesDuringSave = await ReadRowsAsync(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'sales'");
                throw new InvalidOperationException("the store is unavailable");
            },
            NullLogger.Instance,
            CancellationToken.None));

        Assert.Equal(["people"], tablesDuringSave);
        Assert.Empty(await ReadRowsAsync(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'sales'"));
    }

    private async Task<string> CreateModelAsync()
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql, "source");
        var model = await TestObjects.CreateModelAsync(server.Client, source);
        return model["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Creates a database with <see cref="Schema"/> and a connection to it; with <paramref name="asRestrictedUser"/> the
    /// connection logs in as a role that may create tables in the sales schema only.
    /// </summary>
    private async Task<(string ConnectionId, PostgresDatabase Database)> CreateConnectionAsync(bool asRestrictedUser = false)
    {
        var database = await postgres.CreateDatabaseAsync();
        var configuration = database.Configuration;
        var setup = Schema;
        if (asRestrictedUser)
        {
            var role = "creator_" + Guid.NewGuid().ToString("N")[..12];
            var password = Guid.NewGuid().ToString("N");
            setup += $"""
                CREATE ROLE {role} LOGIN PASSWORD '{password}';
                REVOKE CREATE ON SCHEMA public FROM PUBLIC;
                GRANT USAGE, CREATE ON SCHEMA sales TO {role};
                GRANT CONNECT ON DATABASE "{database.Name}" TO {role};
                """;
            configuration["username"] = role;
            configuration["password"] = password;
        }

        await ReadRowsAsync(database, setup);
        var created = await server.Client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = "pg", ["type"] = "postgresql", ["configuration"] = configuration });
        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        return (created.Data["id"]!.GetValue<string>(), database);
    }

    /// <summary>Runs SQL as the superuser and returns the first column of each row as text.</summary>
    private static async Task<List<string>> ReadRowsAsync(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        do
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }
}
