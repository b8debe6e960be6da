using MySqlConnector;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Testing;
using MySqlFactory = Outflow.Connectors.MySql.MySqlConnectorFactory;

namespace Outflow.Connectors.Tests;

/// <summary>Creates, checks and drops target tables on a real MariaDB server with the mysql connector.</summary>
[Collection(MariaDbFixture.CollectionName)]
public sealed class MySqlTableCreationTests(MariaDbFixture mariadb)
{
    private static readonly ConnectorEnvironment Environment = new("/nonexistent");

    private static readonly Dictionary<string, string> NoProperties = new(StringComparer.Ordinal);

    [Fact]
    public void Factory_declares_database_property()
    {
        var creation = new MySqlFactory().Info.TargetCreation;

        Assert.NotNull(creation);
        var property = Assert.Single(creation);
        Assert.Equal("database", property.Id);
        Assert.True(property.IsEnum);
    }

    [Fact]
    public async Task Database_defaults_to_connection_database()
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        var property = Assert.Single(new MySqlFactory().Info.TargetCreation!);

        Assert.Equal(database.Name, target.GetCreationDefault(property));
        Assert.Equal(database.Name + ".people", target.ToNewObjectId("people", NoProperties));
        Assert.Equal("other.people", target.ToNewObjectId("people", new Dictionary<string, string> { ["database"] = "other" }));
    }

    [Fact]
    public async Task ListCreationValues_lists_databases_with_create()
    {
        var own = await mariadb.CreateDatabaseAsync();
        var readOnly = await mariadb.CreateDatabaseAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var matched = "creatable_" + suffix;
        var user = "creator_" + suffix;
        var password = Guid.NewGuid().ToString("N");

        // A database-level grant names a LIKE pattern, with \_ for a literal underscore.
        await mariadb.Server.ExecuteAsAdminAsync($"""
            CREATE DATABASE `{matched}_sales`;
            CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';
            GRANT SELECT, INSERT, CREATE, DROP ON `{own.Name}`.* TO '{user}'@'127.0.0.1';
            GRANT SELECT ON `{readOnly.Name}`.* TO '{user}'@'127.0.0.1';
            GRANT CREATE ON `creatable\_{suffix}%`.* TO '{user}'@'127.0.0.1';
            """);
        var configuration = (System.Text.Json.Nodes.JsonObject)own.Configuration.DeepClone();
        configuration["username"] = user;
        configuration["password"] = password;
        await using var restricted = new MySqlFactory().CreateTarget(configuration, Environment);
        await using var admin = new MySqlFactory().CreateTarget(own.Configuration, Environment);

        var values = await restricted.ListCreationValuesAsync("database", CancellationToken.None);
        var all = await admin.ListCreationValuesAsync("database", CancellationToken.None);

        Assert.Contains(own.Name, values);
        Assert.Contains(matched + "_sales", values);
        Assert.DoesNotContain(readOnly.Name, values);
        Assert.DoesNotContain("mysql", values);
        Assert.Contains(readOnly.Name, all);
        Assert.DoesNotContain("information_schema", all);
        await Assert.ThrowsAsync<NotSupportedException>(() => admin.ListCreationValuesAsync("schema", CancellationToken.None));
    }

    [Theory]
    [InlineData("people", true)]
    [InlineData("Señor table", true)]
    [InlineData("trailing space ", false)]
    [InlineData("nul\0name", false)]
    [InlineData("emoji 🎉", false)]
    public async Task CheckNewName_applies_identifier_rules(string name, bool accepted)
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        var problem = target.CheckNewName(name, isTable: true);

        Assert.Equal(accepted, problem is null);
        Assert.Equal(problem, target.CheckNewName(name, isTable: false));
    }

    [Fact]
    public async Task CheckNewName_allows_64_characters()
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        Assert.Null(target.CheckNewName(new string('é', 64), isTable: true));
        Assert.Equal(
            "it is 65 characters long, and MySQL names are at most 64 characters", target.CheckNewName(new string('é', 65), isTable: true));
    }

    [Theory]
    [InlineData("BIGINT", true)]
    [InlineData("decimal(12, 2)", true)]
    [InlineData("VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", true)]
    [InlineData("BIGINT UNSIGNED", true)]
    [InlineData("no_such_type", false)]
    [InlineData("VARCHAR(70000)", false)]
    [InlineData("DECIMAL(80,2)", false)]
    [InlineData("VARCHAR(10) COLLATE no_such_collation", false)]
    [InlineData("BIGINT); DROP TABLE kept; --", false)]
    [InlineData("ENUM('a', 'b')", false)]
    public async Task CheckColumnType_asks_server(string typeName, bool accepted)
    {
        var database = await CreateDatabaseAsync("CREATE TABLE kept (id INT PRIMARY KEY);");
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        var problem = await target.CheckColumnTypeAsync(typeName, CancellationToken.None);

        Assert.True(accepted == (problem is null), problem);
        Assert.NotNull(await target.DescribeObjectAsync(database.Name + ".kept", CancellationToken.None));
        Assert.Null(await target.DescribeObjectAsync(database.Name + ".outflow_type_check", CancellationToken.None));
    }

    [Fact]
    public async Task CreateObject_maps_field_types()
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);
        var table = new NewTargetObject(
            "every type",
            NoProperties,
            [
                new NewTargetColumn("id", FieldType.String),
                new NewTargetColumn("whole", FieldType.Number, "INTEGER"),
                new NewTargetColumn("huge", FieldType.Number, "bigint unsigned"),
                new NewTargetColumn("ratio", FieldType.Number, "double precision"),
                new NewTargetColumn("money", FieldType.Number, "numeric(10,2)"),
                new NewTargetColumn("count", FieldType.Number, "NUMERIC ( 12 )"),
                new NewTargetColumn("amount", FieldType.Number, "decimal(8,3) unsigned"),
                new NewTargetColumn("wide", FieldType.Number, "numeric(100,2)"),
                new NewTargetColumn("plain", FieldType.Number, "numeric"),
                new NewTargetColumn("flag", FieldType.Boolean),
                new NewTargetColumn("day", FieldType.Datetime, "date"),
                new NewTargetColumn("local", FieldType.Datetime, "timestamp without time zone"),
                new NewTargetColumn("stamp", FieldType.Datetime, "DATETIME(6)"),
                new NewTargetColumn("instant", FieldType.Datetime, "timestamptz"),
                new NewTargetColumn("doc", FieldType.Object),
                new NewTargetColumn("list", FieldType.Array),
                new NewTargetColumn("raw", FieldType.Binary),
                new NewTargetColumn("name", FieldType.String, "varchar(40)"),
                new NewTargetColumn("other", FieldType.Unknown),
                new NewTargetColumn("picked", FieldType.Number, "int", "SMALLINT"),
            ],
            "id");

        var info = await target.CreateObjectAsync(table, CancellationToken.None);

        Assert.Equal(database.Name + ".every type", info.Id);
        Assert.Equal(
            [
                "id varchar(255) utf8mb4_bin PRI", "whole bigint(20)", "huge bigint(20) unsigned", "ratio double",
                "money decimal(10,2)", "count decimal(12,0)", "amount decimal(8,3)", "wide decimal(65,30)",
                "plain decimal(65,30)", "flag tinyint(1)", "day date", "local datetime(6)", "stamp datetime(6)",
                "instant timestamp(6) NULL", "doc longtext utf8mb4_bin", "list longtext utf8mb4_bin", "raw longblob",
                "name longtext utf8mb4_general_ci", "other longtext utf8mb4_general_ci", "picked smallint(6)",
            ],
            await database.ReadColumnAsync("""
                SELECT CONCAT_WS(' ', COLUMN_NAME, COLUMN_TYPE, COLLATION_NAME, NULLIF(COLUMN_KEY, ''),
                                 CASE WHEN DATA_TYPE = 'timestamp' AND IS_NULLABLE = 'YES' THEN 'NULL' END)
                FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'every type' ORDER BY ORDINAL_POSITION
                """));
        Assert.True(info.Fields[0].SupportsIdentity);
        Assert.Equal(IdentityComparison.IgnoreTrailingSpaces, info.Fields[0].Comparison);
        Assert.Contains(SyncMode.UpdateOrCreate, info.Modes);
        Assert.All(info.Fields.Skip(1), field => Assert.False(field.Required));
    }

    [Theory]
    [InlineData(FieldType.Binary, "varbinary(255)")]
    [InlineData(FieldType.Object, "varchar(255)")]
    [InlineData(FieldType.Unknown, "varchar(255)")]
    [InlineData(FieldType.Number, "decimal(65,30)")]
    [InlineData(FieldType.Datetime, "datetime(6)")]
    public async Task CreateObject_key_column_can_be_indexed(FieldType type, string columnType)
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        var info = await target.CreateObjectAsync(
            new NewTargetObject("keyed", NoProperties, [new NewTargetColumn("key", type), new NewTargetColumn("value", type)], "key"),
            CancellationToken.None);

        Assert.Equal(columnType, info.Fields[0].RemoteType);
        Assert.True(info.Fields[0].SupportsIdentity);
    }

    [Fact]
    public async Task CreateObject_then_write_keeps_values()
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);
        var table = new NewTargetObject(
            "copy",
            NoProperties,
            [
                new NewTargetColumn("id", FieldType.Number, "bigint"),
                new NewTargetColumn("amount", FieldType.Number, "numeric"),
                new NewTargetColumn("at", FieldType.Datetime, "timestamptz"),
                new NewTargetColumn("note", FieldType.String),
                new NewTargetColumn(SnapshotColumns.ExecutionId, FieldType.String),
                new NewTargetColumn(SnapshotColumns.SnapshotAt, FieldType.Datetime),
            ],
            "id");
        var info = await target.CreateObjectAsync(table, CancellationToken.None);
        var at = new DateTimeOffset(2024, 2, 29, 12, 30, 15, 123, TimeSpan.Zero);

        var results = await target.WriteAsync(
            new WriteBatch(info.Id, "id", ["amount", "at", "note"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [12345678901234567890.123456789m, at, "Señor 🎉 " + new string('x', 70_000)]),
                new TargetRecord(RecordOperation.Upsert, 2L, [null, null, null]),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        Assert.All(results, r => Assert.Null(r.Warning));
        Assert.Contains(SyncMode.Snapshot, info.Modes);
        Assert.Equal(["12345678901234567890.123456789000000000000000000000"], await database.ReadColumnAsync("SELECT CAST(amount AS CHAR) FROM copy WHERE id = 1"));
        Assert.Equal(["2024-02-29 12:30:15.123000"], await database.ReadColumnAsync("SELECT CAST(`at` AS CHAR) FROM copy WHERE id = 1"));
        Assert.Equal(["70008"], await database.ReadColumnAsync("SELECT CHAR_LENGTH(note) FROM copy WHERE id = 1"));
        Assert.Equal(["1"], await database.ReadColumnAsync("SELECT COUNT(*) FROM copy WHERE id = 2 AND amount IS NULL AND `at` IS NULL AND note IS NULL"));
    }

    [Fact]
    public async Task CreateObject_in_other_database()
    {
        var own = await mariadb.CreateDatabaseAsync();
        var other = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(own.Configuration, Environment);
        var properties = new Dictionary<string, string> { ["database"] = other.Name };

        var info = await target.CreateObjectAsync(
            new NewTargetObject("people", properties, [new NewTargetColumn("id", FieldType.Number, "int")], "id"), CancellationToken.None);

        Assert.Equal(other.Name + ".people", info.Id);
        Assert.Equal(["people"], await other.ReadColumnAsync("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"));
        Assert.Empty(await own.ReadColumnAsync("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"));
    }

    [Fact]
    public async Task CreateObject_existing_table_throws()
    {
        var database = await CreateDatabaseAsync("CREATE TABLE people (id INT PRIMARY KEY, name TEXT);");
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        var exception = await Assert.ThrowsAsync<TargetObjectExistsException>(() => target.CreateObjectAsync(
            new NewTargetObject("people", NoProperties, [new NewTargetColumn("id", FieldType.String)], "id"), CancellationToken.None));

        Assert.Equal(database.Name + ".people", exception.ObjectId);
        Assert.Equal(["id int(11)", "name text"], await database.ReadColumnAsync("""
            SELECT CONCAT(COLUMN_NAME, ' ', COLUMN_TYPE) FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people' ORDER BY ORDINAL_POSITION
            """));
    }

    [Fact]
    public async Task CreateObject_rejected_statement_throws()
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);

        // A TEXT column cannot be a primary key without a prefix length.
        var exception = await Assert.ThrowsAsync<ConnectorException>(() => target.CreateObjectAsync(
            new NewTargetObject("people", NoProperties, [new NewTargetColumn("id", FieldType.String, RemoteType: "TEXT")], "id"),
            CancellationToken.None));

        Assert.IsNotType<TargetObjectExistsException>(exception);
        Assert.Contains("creating table " + database.Name + ".people failed", exception.Message, StringComparison.Ordinal);
        Assert.Empty(await database.ReadColumnAsync("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"));
    }

    [Fact]
    public async Task DropObject_removes_table()
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var target = new MySqlFactory().CreateTarget(database.Configuration, Environment);
        var info = await target.CreateObjectAsync(
            new NewTargetObject("gone", NoProperties, [new NewTargetColumn("id", FieldType.Number, "int")], "id"), CancellationToken.None);

        await target.DropObjectAsync(info.Id, CancellationToken.None);
        await target.DropObjectAsync(info.Id, CancellationToken.None);

        Assert.Null(await target.DescribeObjectAsync(info.Id, CancellationToken.None));
    }

    private async Task<MariaDbDatabase> CreateDatabaseAsync(string sql)
    {
        var database = await mariadb.CreateDatabaseAsync();
        await database.ReadColumnAsync(sql);
        return database;
    }
}
