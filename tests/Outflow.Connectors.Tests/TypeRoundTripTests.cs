using System.Globalization;
using System.Text.Json.Nodes;
using Outflow.Connectors.PostgreSql;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

/// <summary>
/// Reads one row of every type with the real source reader, writes it with the real target connector, reads it back
/// with the target's own reader and compares each value by its meaning, for every source and target pair.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class TypeRoundTripTests(PostgresFixture postgres) : IDisposable
{
    private const string BigDecimal = "12345678901234567890.123456789";

    // Name, SQLite source column and value, PostgreSQL source column and value, SQLite and PostgreSQL target columns,
    // and the meaning every pair must keep.
    private static readonly TypeCase[] Cases =
    [
        new("big_max", "INTEGER", "9223372036854775807", "bigint", "9223372036854775807", "INTEGER", "bigint", Kind.Integer, long.MaxValue),
        new("big_min", "INTEGER", "-9223372036854775808", "bigint", "-9223372036854775808", "INTEGER", "bigint", Kind.Integer, long.MinValue),
        new("exact", "TEXT", $"'{BigDecimal}'", "numeric", BigDecimal, "TEXT", "numeric", Kind.Decimal, decimal.Parse(BigDecimal, CultureInfo.InvariantCulture)),
        new("money", "DECIMAL(10,2)", "12.34", "numeric(10,2)", "12.34", "DECIMAL(10,2)", "numeric(10,2)", Kind.Decimal, 12.34m),
        new("tenth", "REAL", "0.1", "double precision", "0.1", "REAL", "double precision", Kind.Double, 0.1),
        new("huge", "REAL", "1e308", "double precision", "1e308", "REAL", "double precision", Kind.Double, 1e308),
        new("infinite", "REAL", "9e999", "double precision", "'Infinity'", "REAL", "double precision", Kind.Double, double.PositiveInfinity),
        new("flag", "BOOLEAN", "1", "boolean", "true", "BOOLEAN", "boolean", Kind.Boolean, true),
        new("day", "DATE", "'2024-02-29'", "date", "'2024-02-29'", "DATE", "date", Kind.Date, new DateOnly(2024, 2, 29)),
        new(
            "instant", "TEXT", "'2024-01-02T03:04:05.123456Z'", "timestamptz", "'2024-01-02 05:04:05.123456+02'", "TIMESTAMP", "timestamptz",
            Kind.Instant, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560)),
        new(
            "local", "DATETIME", "'2024-01-02 03:04:05.5'", "timestamp", "'2024-01-02 03:04:05.5'", "DATETIME", "timestamp",
            Kind.Timestamp, new DateTime(2024, 1, 2, 3, 4, 5, 500)),
        new("clock", "TEXT", "'10:11:12.25'", "time", "'10:11:12.25'", "TEXT", "time", Kind.Time, new TimeOnly(10, 11, 12, 250)),
        new(
            "doc", "JSON", """'{"a":[1,2.5,"x"],"b":null,"c":{"d":true}}'""", "jsonb", """'{"a":[1,2.5,"x"],"b":null,"c":{"d":true}}'""",
            "JSON", "jsonb", Kind.Json, JsonNode.Parse("""{"a":[1,2.5,"x"],"b":null,"c":{"d":true}}""")),
        new("unicode", "TEXT", "'snow ☃, emoji 🎉, clef 𝄞'", "text", "'snow ☃, emoji 🎉, clef 𝄞'", "TEXT", "text", Kind.Text, "snow ☃, emoji 🎉, clef 𝄞"),
        new("empty", "TEXT", "''", "text", "''", "TEXT", "text", Kind.Text, ""),
        new("missing", "TEXT", "NULL", "text", "NULL", "TEXT", "text", Kind.Text, null),
        new("raw", "BLOB", "x'00ff10'", "bytea", @"'\x00ff10'", "BLOB", "bytea", Kind.Bytes, new byte[] { 0x00, 0xff, 0x10 }),
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

    // New records go to PostgreSQL by COPY, and other records by statements, so both ways are tried there.
    public static TheoryData<string, string, string, bool> Pairs => new()
    {
        { "sqlite", "sqlite", "", false },
        { "sqlite", "postgresql", "", false },
        { "sqlite", "postgresql", "", true },
        { "postgresql", "sqlite", "field exact: the decimal was stored as text", false },
        { "postgresql", "postgresql", "", false },
        { "postgresql", "postgresql", "", true },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task RoundTrip_keeps_every_value(string sourceType, string targetType, string expectedWarning, bool recordsAreNew)
    {
        var (source, sourceObject) = await CreateSourceAsync(sourceType);
        var (target, targetReader, targetObject) = await CreateTargetAsync(targetType);
        await using var sourceScope = source;
        await using var targetScope = target;
        await using var targetReaderScope = targetReader;

        var row = Assert.Single(await source.ReadAllAsync(new ModelSource(null, sourceObject)));
        string[] fields = ["id", .. Cases.Select(c => c.Name)];
        var results = await target.WriteAsync(
            new WriteBatch(targetObject, "id", fields, [new TargetRecord(RecordOperation.Upsert, row[0]!, row)])
            {
                RecordsAreNew = recordsAreNew,
            },
            CancellationToken.None);

        var result = Assert.Single(results);
        Assert.Equal(RecordOutcome.Inserted, result.Outcome);
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

    public static TheoryData<string, string, string, string, string, string> Unrepresentable => new()
    {
        { "postgresql", "numeric", BigDecimal, "sqlite", "NUMERIC", "field v: the decimal has more significant digits than a REAL can hold" },
        { "postgresql", "numeric", BigDecimal, "sqlite", "REAL", "field v: the decimal has more significant digits than a REAL can hold" },
        { "postgresql", "double precision", "'NaN'", "sqlite", "REAL", "field v: NaN cannot be stored in SQLite" },
        { "postgresql", "bigint", "9223372036854775807", "sqlite", "REAL", "field v: the integer has no exact REAL" },
        { "sqlite", "TEXT", "'0123'", "sqlite", "INTEGER", "field v: the text looks like a number" },
        { "sqlite", "TEXT", "'a' || char(0) || 'b'", "postgresql", "text", "field v: the text contains the NUL character (U+0000)" },
        { "sqlite", "REAL", "0.1", "postgresql", "real", "field v: the floating-point number has no exact value in the column's type real" },
        { "sqlite", "INTEGER", "9223372036854775807", "postgresql", "double precision", "field v: the integer has no exact value" },
        { "sqlite", "INTEGER", "16777217", "postgresql", "real", "field v: the integer has no exact value" },
        { "postgresql", "numeric", "1.005", "postgresql", "numeric(10,2)", "field v: the number has more decimal places than the column's scale of 2" },
        { "postgresql", "timestamptz", "'2024-01-02 10:00:00+00'", "postgresql", "date", "field v: the value has a time of day" },
        { "postgresql", "text", "'abcdef'", "postgresql", "varchar(5)", "field v: the text has 6 characters, more than the column's maximum of 5" },
    };

    public static TheoryData<string, string, string, string, string, string, string> Converted => new()
    {
        {
            "postgresql", "timestamptz", "'2024-01-02 05:00:00+02'", "postgresql", "timestamp",
            "field v: the instant was stored as its UTC time, because the column is a timestamp without time zone", "2024-01-02T03:00:00"
        },
        {
            "sqlite", "TEXT", "'2024-01-02T05:00:00+02:00'", "postgresql", "timestamp",
            "field v: the text's time zone offset was applied and the instant stored as its UTC time, because the column is a timestamp without time zone",
            "2024-01-02T03:00:00"
        },
        {
            "postgresql", "timestamp", "'2024-01-02 03:00:00'", "postgresql", "timestamptz",
            "field v: the timestamp without time zone was read as UTC and stored as that instant", "2024-01-02T03:00:00.0000000+00:00"
        },
        { "sqlite", "INTEGER", "42", "postgresql", "text", "field v: the integer was stored as text", "42" },
        { "postgresql", "numeric", "0.5", "sqlite", "TEXT", "field v: the decimal was stored as text", "0.5" },
        { "postgresql", "bigint", "9007199254740993", "postgresql", "numeric", "", "9007199254740993" },
        { "postgresql", "bigint", "9007199254740992", "sqlite", "REAL", "field v: the integer was stored as a floating-point number", "9007199254740992" },
        { "postgresql", "numeric", "2.0", "postgresql", "int", "", "2" },
        { "postgresql", "double precision", "2", "sqlite", "INTEGER", "field v: the floating-point number was stored as an integer", "2" },
        { "sqlite", "TEXT", "'7'", "sqlite", "INTEGER", "field v: the text was stored as an integer because the column has Integer affinity", "7" },
        { "sqlite", "TEXT", "'Ivy'", "sqlite", "INTEGER", "field v: the text is not a number, so it was stored as text in a column declared INTEGER", "Ivy" },
        { "sqlite", "TEXT", "'2024-01-02'", "sqlite", "DATE", "", "2024-01-02" },
        { "postgresql", "double precision", "2", "sqlite", "NUMERIC(10,2)", "", "2" },
        { "sqlite", "BOOLEAN", "0", "postgresql", "text", "field v: the boolean was stored as text", "false" },
        { "sqlite", "TEXT", "'ab'", "postgresql", "char(3)", "field v: the text was padded with spaces to the column's fixed length of 3", "ab " },
        { "sqlite", "TEXT", "'abc  '", "postgresql", "varchar(3)", "field v: trailing spaces beyond the column's maximum of 3 characters were removed", "abc" },
        { "postgresql", "double precision", "'NaN'", "postgresql", "double precision", "", "NaN" },
        { "postgresql", "double precision", "'-Infinity'", "postgresql", "real", "", "-Infinity" },
        { "postgresql", "double precision", "0.25", "postgresql", "numeric", "field v: the floating-point number was stored as a decimal", "0.25" },
        { "postgresql", "bigint", "16777217", "postgresql", "double precision", "field v: the integer was stored as a floating-point number", "16777217" },
        { "sqlite", "TEXT", "'a' || char(0) || 'b'", "sqlite", "TEXT", "", "a\\0b" },
    };

    [Theory]
    [MemberData(nameof(Unrepresentable))]
    public async Task RoundTrip_unrepresentable_value_fails_record(
        string sourceType, string sourceColumn, string literal, string targetType, string targetColumn, string expectedError)
    {
        var (result, copied) = await CopyOneAsync(sourceType, sourceColumn, literal, targetType, targetColumn);

        Assert.Equal(RecordOutcome.Failed, result.Outcome);
        Assert.StartsWith(expectedError, result.Message, StringComparison.Ordinal);
        Assert.Null(copied);
    }

    [Theory]
    [MemberData(nameof(Converted))]
    public async Task RoundTrip_converted_value_warns(
        string sourceType, string sourceColumn, string literal, string targetType, string targetColumn, string expectedWarning, string expectedText)
    {
        var (result, copied) = await CopyOneAsync(sourceType, sourceColumn, literal, targetType, targetColumn);

        Assert.Equal(RecordOutcome.Inserted, result.Outcome);
        Assert.Equal(expectedWarning, result.Warning ?? "");
        Assert.NotNull(copied);
        Assert.Equal(expectedText, ToText(copied[1]));
    }

    public void Dispose() => _files.Dispose();

    private static string ToText(object? value) =>
        value switch
        {
            null => "null",
            DateTime timestamp => timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            bool boolean => boolean ? "true" : "false",

            // A NUL character is shown as \0 so that a failure message stays readable.
            string text => text.Replace("\0", "\\0", StringComparison.Ordinal),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };

    /// <summary>
    /// Copies one value in a column <c>v</c> from a new source table to a new target table, as the first execution of a
    /// sync would, and reads the target's row, if any.
    /// </summary>
    private async Task<(RecordResult Result, object?[]? Copied)> CopyOneAsync(
        string sourceType, string sourceColumn, string literal, string targetType, string targetColumn)
    {
        ISourceConnector source;
        string sourceObject;
        if (sourceType == "sqlite")
        {
            _files.CreateDatabase("one-source.db", $"CREATE TABLE src (v {sourceColumn}); INSERT INTO src VALUES ({literal});");
            source = new SqliteConnectorFactory().CreateSource(new JsonObject { ["path"] = "one-source.db" }, _files.Environment);
            sourceObject = "src";
        }
        else
        {
            var database = await postgres.CreateDatabaseAsync($"CREATE TABLE src (v {sourceColumn}); INSERT INTO src VALUES ({literal});");
            source = new PostgreSqlConnectorFactory().CreateSource(database.Configuration, _files.Environment);
            sourceObject = "public.src";
        }

        await using var sourceScope = source;
        var (target, targetReader, targetObject) = await CreateOneTargetAsync(targetType, targetColumn);
        await using var targetScope = target;
        await using var targetReaderScope = targetReader;

        var row = Assert.Single(await source.ReadAllAsync(new ModelSource(null, sourceObject)));
        var results = await target.WriteAsync(
            new WriteBatch(targetObject, "id", ["v"], [new TargetRecord(RecordOperation.Upsert, 1L, row)]) { RecordsAreNew = true },
            CancellationToken.None);
        var copied = await targetReader.ReadAllAsync(new ModelSource(null, targetObject));
        return (Assert.Single(results), copied.SingleOrDefault());
    }

    private async Task<(ITargetConnector Target, ISourceConnector Reader, string ObjectId)> CreateOneTargetAsync(string type, string column)
    {
        if (type == "sqlite")
        {
            _files.CreateDatabase("one-target.db", $"CREATE TABLE dst (id INTEGER PRIMARY KEY, v {column});");
            var factory = new SqliteConnectorFactory();
            var configuration = new JsonObject { ["path"] = "one-target.db" };
            return (factory.CreateTarget(configuration, _files.Environment), factory.CreateSource(configuration, _files.Environment), "dst");
        }

        var database = await postgres.CreateDatabaseAsync($"CREATE TABLE dst (id bigint PRIMARY KEY, v {column});");
        var postgresFactory = new PostgreSqlConnectorFactory();
        return (
            postgresFactory.CreateTarget(database.Configuration, _files.Environment),
            postgresFactory.CreateSource(database.Configuration, _files.Environment),
            "public.dst");
    }

    private async Task<(ISourceConnector Source, string ObjectId)> CreateSourceAsync(string type)
    {
        var columns = string.Join(", ", Cases.Select(c => $"{c.Name} {(type == "sqlite" ? c.SqliteSource : c.PostgreSqlSource)}"));
        var values = string.Join(", ", Cases.Select(c => type == "sqlite" ? c.SqliteValue : c.PostgreSqlValue));
        if (type == "sqlite")
        {
            _files.CreateDatabase("source.db", $"CREATE TABLE src (id INTEGER PRIMARY KEY, {columns}); INSERT INTO src VALUES (1, {values});");
            return (new SqliteConnectorFactory().CreateSource(new JsonObject { ["path"] = "source.db" }, _files.Environment), "src");
        }

        var database = await postgres.CreateDatabaseAsync($"CREATE TABLE src (id bigint PRIMARY KEY, {columns}); INSERT INTO src VALUES (1, {values});");
        return (new PostgreSqlConnectorFactory().CreateSource(database.Configuration, _files.Environment), "public.src");
    }

    private async Task<(ITargetConnector Target, ISourceConnector Reader, string ObjectId)> CreateTargetAsync(string type)
    {
        var columns = string.Join(", ", Cases.Select(c => $"{c.Name} {(type == "sqlite" ? c.SqliteTarget : c.PostgreSqlTarget)}"));
        if (type == "sqlite")
        {
            _files.CreateDatabase("target.db", $"CREATE TABLE dst (id INTEGER PRIMARY KEY, {columns});");
            var factory = new SqliteConnectorFactory();
            var configuration = new JsonObject { ["path"] = "target.db" };
            return (factory.CreateTarget(configuration, _files.Environment), factory.CreateSource(configuration, _files.Environment), "dst");
        }

        var database = await postgres.CreateDatabaseAsync($"CREATE TABLE dst (id bigint PRIMARY KEY, {columns});");
        var postgresFactory = new PostgreSqlConnectorFactory();
        return (
            postgresFactory.CreateTarget(database.Configuration, _files.Environment),
            postgresFactory.CreateSource(database.Configuration, _files.Environment),
            "public.dst");
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
        string SqliteTarget,
        string PostgreSqlTarget,
        Kind Kind,
        object? Expected);
}
