using System.Globalization;
using System.Text.Json.Nodes;
using MySqlConnector;
using Outflow.Connectors.PostgreSql;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;
using Outflow.Testing;
using MySqlFactory = Outflow.Connectors.MySql.MySqlConnectorFactory;

namespace Outflow.Connectors.Tests;

/// <summary>
/// Reads one row of every type with the real source reader, writes it with the real target connector, reads it back
/// with the target's own reader and compares each value by its meaning, for every pair with MySQL on one side.
/// </summary>
[Collection(MariaDbFixture.CollectionName)]
public sealed class MySqlTypeRoundTripTests(MariaDbFixture mariadb, PostgresFixture postgres) : IDisposable
{
    private const string BigDecimal = "12345678901234567890.123456789";

    // Name; SQLite, PostgreSQL and MySQL source column and value; SQLite, PostgreSQL and MySQL target column; the meaning.
    private static readonly TypeCase[] Cases =
    [
        new("big_max", "INTEGER", "9223372036854775807", "bigint", "9223372036854775807", "BIGINT", "9223372036854775807", "INTEGER", "bigint", "BIGINT", Kind.Integer, long.MaxValue),
        new("big_min", "INTEGER", "-9223372036854775808", "bigint", "-9223372036854775808", "BIGINT", "-9223372036854775808", "INTEGER", "bigint", "BIGINT", Kind.Integer, long.MinValue),
        new("exact", "TEXT", $"'{BigDecimal}'", "numeric", BigDecimal, "DECIMAL(29,9)", BigDecimal, "TEXT", "numeric", "DECIMAL(29,9)", Kind.Decimal, decimal.Parse(BigDecimal, CultureInfo.InvariantCulture)),
        new("money", "DECIMAL(10,2)", "12.34", "numeric(10,2)", "12.34", "DECIMAL(10,2)", "12.34", "DECIMAL(10,2)", "numeric(10,2)", "DECIMAL(10,2)", Kind.Decimal, 12.34m),
        new("tenth", "REAL", "0.1", "double precision", "0.1", "DOUBLE", "0.1", "REAL", "double precision", "DOUBLE", Kind.Double, 0.1),
        new("huge", "REAL", "1e308", "double precision", "1e308", "DOUBLE", "1e308", "REAL", "double precision", "DOUBLE", Kind.Double, 1e308),
        new("flag", "BOOLEAN", "1", "boolean", "true", "BOOLEAN", "TRUE", "BOOLEAN", "boolean", "BOOLEAN", Kind.Boolean, true),
        new("day", "DATE", "'2024-02-29'", "date", "'2024-02-29'", "DATE", "'2024-02-29'", "DATE", "date", "DATE", Kind.Date, new DateOnly(2024, 2, 29)),
        new(
            "instant", "TEXT", "'2024-01-02T03:04:05.123456Z'", "timestamptz", "'2024-01-02 05:04:05.123456+02'", "TIMESTAMP(6)", "'2024-01-02 03:04:05.123456'",
            "TIMESTAMP", "timestamptz", "TIMESTAMP(6)", Kind.Instant, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560)),
        new(
            "local", "DATETIME", "'2024-01-02 03:04:05.5'", "timestamp", "'2024-01-02 03:04:05.5'", "DATETIME(6)", "'2024-01-02 03:04:05.5'",
            "DATETIME", "timestamp", "DATETIME(6)", Kind.Timestamp, new DateTime(2024, 1, 2, 3, 4, 5, 500)),
        new("clock", "TEXT", "'10:11:12.25'", "time", "'10:11:12.25'", "TIME(6)", "'10:11:12.25'", "TEXT", "time", "TIME(6)", Kind.Time, new TimeOnly(10, 11, 12, 250)),
        new(
            "doc", "JSON", """'{"a":[1,2.5,"x"],"b":null,"c":{"d":true}}'""", "jsonb", """'{"a":[1,2.5,"x"],"b":null,"c":{"d":true}}'""",
            "JSON", """'{"a":[1,2.5,"x"],"b":null,"c":{"d":true}}'""", "JSON", "jsonb", "JSON", Kind.Json, JsonNode.Parse("""{"a":[1,2.5,"x"],"b":null,"c":{"d":true}}""")),
        new("unicode", "TEXT", "'snow ☃, emoji 🎉, clef 𝄞'", "text", "'snow ☃, emoji 🎉, clef 𝄞'", "TEXT", "'snow ☃, emoji 🎉, clef 𝄞'", "TEXT", "text", "TEXT", Kind.Text, "snow ☃, emoji 🎉, clef 𝄞"),
        new("empty", "TEXT", "''", "text", "''", "TEXT", "''", "TEXT", "text", "TEXT", Kind.Text, ""),
        new("missing", "TEXT", "NULL", "text", "NULL", "TEXT", "NULL", "TEXT", "text", "TEXT", Kind.Text, null),
        new("raw", "BLOB", "x'00ff10'", "bytea", @"'\x00ff10'", "VARBINARY(8)", "x'00ff10'", "BLOB", "bytea", "VARBINARY(8)", Kind.Bytes, new byte[] { 0x00, 0xff, 0x10 }),
    ];

    private readonly SqliteFiles _files = new();

    private enum Kind
    {
        Integer,
        Decimal,
        Double,
        Boolean,
        Date,
        Instant,
        Timestamp,
        Time,
        Json,
        Text,
        Bytes,
    }

    public static TheoryData<string, string, string> Pairs => new()
    {
        { "postgresql", "mysql", "" },
        { "mysql", "postgresql", "" },
        { "sqlite", "mysql", "" },
        { "mysql", "sqlite", "field exact: the decimal was stored as text" },
        { "mysql", "mysql", "" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task RoundTrip_keeps_every_value(string sourceType, string targetType, string expectedWarning)
    {
        var (source, sourceObject) = await CreateSourceAsync(sourceType);
        var (target, targetReader, targetObject) = await CreateTargetAsync(targetType);
        await using var sourceScope = source;
        await using var targetScope = target;
        await using var targetReaderScope = targetReader;

        var row = Assert.Single(await source.ReadAllAsync(new ModelSource(null, sourceObject)));
        string[] fields = ["id", .. Cases.Select(c => c.Name)];
        var results = await target.WriteAsync(
            new WriteBatch(targetObject, "id", fields, [new TargetRecord(RecordOperation.Upsert, row[0]!, row)]),
            CancellationToken.None);

        var result = Assert.Single(results);
        Assert.True(result.Outcome == RecordOutcome.Inserted, $"{sourceType} to {targetType}: {result.Outcome} {result.Message}");
        Assert.Equal(expectedWarning, result.Warning ?? "");
        var copied = Assert.Single(await targetReader.ReadAllAsync(new ModelSource(null, targetObject)));
        Assert.Equal(1L, copied[0]);
        for (var i = 0; i < Cases.Length; i++)
        {
            var expected = Cases[i].Expected;
            var actual = Normalize(Cases[i].Kind, copied[i + 1]);
            Assert.True(
                Same(expected, actual),
                $"{sourceType} to {targetType}, {Cases[i].Name}: expected {Describe(expected)}, read back {Describe(actual)}");
        }
    }

    public void Dispose() => _files.Dispose();

    private async Task<(ISourceConnector Source, string ObjectId)> CreateSourceAsync(string type)
    {
        var columns = string.Join(", ", Cases.Select(c => $"{c.Name} {c.SourceColumn(type)}"));
        var values = string.Join(", ", Cases.Select(c => c.SourceValue(type)));
        switch (type)
        {
            case "sqlite":
                _files.CreateDatabase("source.db", $"CREATE TABLE src (id INTEGER PRIMARY KEY, {columns}); INSERT INTO src VALUES (1, {values});");
                return (new SqliteConnectorFactory().CreateSource(new JsonObject { ["path"] = "source.db" }, _files.Environment), "src");
            case "postgresql":
                var database = await postgres.CreateDatabaseAsync($"CREATE TABLE src (id bigint PRIMARY KEY, {columns}); INSERT INTO src VALUES (1, {values});");
                return (new PostgreSqlConnectorFactory().CreateSource(database.Configuration, _files.Environment), "public.src");
            default:
                // The session runs in UTC so that the TIMESTAMP literal means that UTC time.
                var mysql = await CreateMySqlDatabaseAsync(
                    $"SET time_zone = '+00:00'; CREATE TABLE src (id BIGINT PRIMARY KEY, {columns}); INSERT INTO src VALUES (1, {values});");
                return (new MySqlFactory().CreateSource(mysql.Configuration, _files.Environment), mysql.Name + ".src");
        }
    }

    private async Task<(ITargetConnector Target, ISourceConnector Reader, string ObjectId)> CreateTargetAsync(string type)
    {
        var columns = string.Join(", ", Cases.Select(c => $"{c.Name} {c.TargetColumn(type)}"));
        switch (type)
        {
            case "sqlite":
                _files.CreateDatabase("target.db", $"CREATE TABLE dst (id INTEGER PRIMARY KEY, {columns});");
                var factory = new SqliteConnectorFactory();
                var configuration = new JsonObject { ["path"] = "target.db" };
                return (factory.CreateTarget(configuration, _files.Environment), factory.CreateSource(configuration, _files.Environment), "dst");
            case "postgresql":
                var database = await postgres.CreateDatabaseAsync($"CREATE TABLE dst (id bigint PRIMARY KEY, {columns});");
                var postgresFactory = new PostgreSqlConnectorFactory();
                return (
                    postgresFactory.CreateTarget(database.Configuration, _files.Environment),
                    postgresFactory.CreateSource(database.Configuration, _files.Environment),
                    "public.dst");
            default:
                var mysql = await CreateMySqlDatabaseAsync($"CREATE TABLE dst (id BIGINT PRIMARY KEY, {columns});");
                var mysqlFactory = new MySqlFactory();
                return (
                    mysqlFactory.CreateTarget(mysql.Configuration, _files.Environment),
                    mysqlFactory.CreateSource(mysql.Configuration, _files.Environment),
                    mysql.Name + ".dst");
        }
    }

    private async Task<MariaDbDatabase> CreateMySqlDatabaseAsync(string sql)
    {
        var database = await mariadb.CreateDatabaseAsync();
        await using var connection = new MySqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>Turns a value read back into the form <see cref="TypeCase.Expected"/> uses, parsing the text SQLite stores.</summary>
    private static object? Normalize(Kind kind, object? value) =>
        (kind, value) switch
        {
            (_, null) => null,
            (Kind.Decimal, string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            (Kind.Date, string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            (Kind.Instant, string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            (Kind.Timestamp, string text) => DateTime.Parse(text, CultureInfo.InvariantCulture),
            (Kind.Time, string text) => TimeOnly.Parse(text, CultureInfo.InvariantCulture),
            (Kind.Json, string text) => JsonNode.Parse(text),
            _ => value,
        };

    private static bool Same(object? expected, object? actual) =>
        (expected, actual) switch
        {
            (null, null) => true,
            (JsonNode left, JsonNode right) => JsonNode.DeepEquals(left, right),
            (byte[] left, byte[] right) => left.AsSpan().SequenceEqual(right),

            // Equals also compares the offsets, which must both be zero for instants.
            (DateTimeOffset left, DateTimeOffset right) => left.EqualsExact(right),
            (DateTime left, DateTime right) => left == right && right.Kind == DateTimeKind.Unspecified,
            _ => Equals(expected, actual),
        };

    private static string Describe(object? value) =>
        value switch
        {
            null => "null",
            byte[] bytes => "0x" + Convert.ToHexString(bytes),
            JsonNode node => node.ToJsonString(),
            _ => $"{value.GetType().Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}",
        };

    private sealed record TypeCase(
        string Name,
        string SqliteSource,
        string SqliteValue,
        string PostgreSqlSource,
        string PostgreSqlValue,
        string MySqlSource,
        string MySqlValue,
        string SqliteTarget,
        string PostgreSqlTarget,
        string MySqlTarget,
        Kind Kind,
        object? Expected)
    {
        public string SourceColumn(string type) => type switch { "sqlite" => SqliteSource, "postgresql" => PostgreSqlSource, _ => MySqlSource };

        public string SourceValue(string type) => type switch { "sqlite" => SqliteValue, "postgresql" => PostgreSqlValue, _ => MySqlValue };

        public string TargetColumn(string type) => type switch { "sqlite" => SqliteTarget, "postgresql" => PostgreSqlTarget, _ => MySqlTarget };
    }
}
