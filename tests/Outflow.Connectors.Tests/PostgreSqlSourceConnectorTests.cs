using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

[Collection(PostgresFixture.CollectionName)]
public sealed class PostgreSqlSourceConnectorTests(PostgresFixture postgres)
{
    private static readonly ConnectorEnvironment Environment = new("/tmp");
    private readonly PostgreSqlConnectorFactory _factory = new();

    [Fact]
    public async Task Describe_query_maps_types()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE items (id bigint PRIMARY KEY, price numeric(10,2), name varchar(20), seen timestamptz, doc jsonb, flag boolean);
            """);
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var columns = await source.DescribeAsync(new ModelSource("SELECT * FROM items;", null), CancellationToken.None);

        Assert.Equal(["id", "price", "name", "seen", "doc", "flag"], columns.Select(c => c.Name));
        Assert.Equal(
            [FieldType.Number, FieldType.Number, FieldType.String, FieldType.Datetime, FieldType.Object, FieldType.Boolean],
            columns.Select(c => c.Type));
        Assert.Equal("bigint", columns[0].RemoteType);
        Assert.Equal("numeric(10,2)", columns[1].RemoteType);
    }

    [Fact]
    public async Task Describe_table_in_schema_and_public()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE SCHEMA sales; CREATE TABLE sales."order" (id int); CREATE TABLE plain (code text);
            """);
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var qualified = await source.DescribeAsync(new ModelSource(null, "sales.order"), CancellationToken.None);
        var unqualified = await source.DescribeAsync(new ModelSource(null, "plain"), CancellationToken.None);

        Assert.Equal("id", Assert.Single(qualified).Name);
        Assert.Equal("code", Assert.Single(unqualified).Name);
    }

    [Fact]
    public async Task Describe_failing_query_throws()
    {
        var database = await postgres.CreateDatabaseAsync("SELECT 1;");
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => source.DescribeAsync(new ModelSource("SELECT * FROM missing_table", null), CancellationToken.None));

        Assert.Contains("missing_table", exception.Message, StringComparison.Ordinal);
        Assert.Contains("42P01", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_query_cannot_write()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE log (n int);
            CREATE FUNCTION write_log() RETURNS int LANGUAGE sql AS 'INSERT INTO log VALUES (1) RETURNING n';
            """);
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => source.ReadAllAsync(new ModelSource("SELECT write_log()", null)));

        Assert.Contains("read-only", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_normalizes_values()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE t (
                big bigint, small smallint, amount numeric(20,6), ratio double precision, flag boolean,
                at timestamptz, local timestamp, day date, clock time, doc jsonb, raw bytea, label text, id uuid, span interval);
            INSERT INTO t VALUES (
                9223372036854775807, -5, 12345678901234.123456, 0.1, true,
                '2024-03-01 12:30:00+02', '2024-03-01 12:30:00.5', '2024-02-29', '23:59:58', '{"a": [1, 2]}',
                '\x00ff', 'snow ☃ and 🎉', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 day 02:00:00');
            INSERT INTO t (label) VALUES ('');
            """);
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var rows = await source.ReadAllAsync(new ModelSource("SELECT * FROM t ORDER BY big NULLS LAST", null));

        Assert.Equal(2, rows.Count);
        var row = rows[0];
        Assert.Equal(long.MaxValue, row[0]);
        Assert.Equal(-5L, row[1]);
        Assert.Equal(12345678901234.123456m, row[2]);
        Assert.Equal(0.1, row[3]);
        Assert.Equal(true, row[4]);
        var at = Assert.IsType<DateTimeOffset>(row[5]);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 30, 0, TimeSpan.Zero), at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
        var local = Assert.IsType<DateTime>(row[6]);
        Assert.Equal(new DateTime(2024, 3, 1, 12, 30, 0, 500, DateTimeKind.Unspecified), local);
        Assert.Equal(DateTimeKind.Unspecified, local.Kind);
        Assert.Equal(new DateOnly(2024, 2, 29), row[7]);
        Assert.Equal(new TimeOnly(23, 59, 58), row[8]);
        Assert.Equal("""{"a": [1, 2]}""", row[9]);
        Assert.Equal(new byte[] { 0x00, 0xff }, row[10]);
        Assert.Equal("snow ☃ and 🎉", row[11]);
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", row[12]);
        Assert.Equal("1 day 02:00:00", row[13]);

        Assert.Equal("", rows[1][11]);
        Assert.Null(rows[1][0]);
        Assert.Null(rows[1][9]);
    }

    [Fact]
    public async Task Read_numeric_beyond_decimal_is_unreadable_value()
    {
        var database = await postgres.CreateDatabaseAsync("SELECT 1;");
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var rows = await source.ReadAllAsync(new ModelSource("SELECT 1e40::numeric AS huge, 2 AS fine", null));

        // Only the value is unreadable: the row still arrives, so the engine can report it as a record error.
        var row = Assert.Single(rows);
        var unreadable = Assert.IsType<UnreadableValue>(row[0]);
        Assert.Contains("huge", unreadable.Message, StringComparison.Ordinal);
        Assert.Equal(2L, row[1]);
    }

    [Fact]
    public async Task Read_many_rows_streams_all()
    {
        var database = await postgres.CreateDatabaseAsync("SELECT 1;");
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var reader = await source.OpenReaderAsync(new ModelSource("SELECT g AS n FROM generate_series(1, 20000) AS g", null), CancellationToken.None);
        var count = 0L;
        var sum = 0L;
        await using (reader)
        {
            var values = new object?[1];
            while (await reader.ReadAsync(CancellationToken.None))
            {
                reader.GetValues(values);
                count++;
                sum += (long)values[0]!;
            }
        }

        Assert.Equal(20000, count);
        Assert.Equal(20000L * 20001 / 2, sum);
    }

    [Fact]
    public async Task Dispose_before_end_returns()
    {
        var database = await postgres.CreateDatabaseAsync("SELECT 1;");
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var reader = await source.OpenReaderAsync(new ModelSource("SELECT g FROM generate_series(1, 5000000) AS g", null), CancellationToken.None);
        Assert.True(await reader.ReadAsync(CancellationToken.None));
        await reader.DisposeAsync();

        var rows = await source.ReadAllAsync(new ModelSource("SELECT 1 AS one", null));
        Assert.Single(rows);
    }

    private const string EscapingQuery =
        "SELECT 1 AS a) x; COMMIT; BEGIN READ WRITE; DELETE FROM canary WHERE id=2; COMMIT; SELECT * FROM (SELECT 1";

    [Fact]
    public async Task Describe_query_with_extra_statements_is_rejected()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE canary (id int); INSERT INTO canary VALUES (1), (2);");
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => source.DescribeAsync(new ModelSource(EscapingQuery, null), CancellationToken.None));

        Assert.Contains("single SELECT statement", exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await database.QueryAsync("SELECT id FROM canary")).Count);
    }

    [Fact]
    public async Task Read_query_with_extra_statements_is_rejected()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE canary (id int); INSERT INTO canary VALUES (1), (2);");
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => source.ReadAllAsync(new ModelSource(EscapingQuery, null)));

        Assert.Contains("single SELECT statement", exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await database.QueryAsync("SELECT id FROM canary")).Count);
    }

    [Fact]
    public async Task Read_single_select_after_rejected_query_works()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE canary (id int); INSERT INTO canary VALUES (1), (2);");
        await using var source = _factory.CreateSource(database.Configuration, Environment);
        await Assert.ThrowsAsync<ConnectorException>(() => source.ReadAllAsync(new ModelSource(EscapingQuery, null)));

        var rows = await source.ReadAllAsync(new ModelSource("SELECT id FROM canary ORDER BY id;", null));

        Assert.Equal([[1L], [2L]], rows);
    }

    [Fact]
    public async Task Read_semicolon_inside_string_literal_works()
    {
        var database = await postgres.CreateDatabaseAsync("SELECT 1;");
        await using var source = _factory.CreateSource(database.Configuration, Environment);
        var model = new ModelSource("SELECT ';' AS s, 'a; b' AS t -- trailing; comment", null);

        var columns = await source.DescribeAsync(model, CancellationToken.None);
        var rows = await source.ReadAllAsync(model);

        Assert.Equal(["s", "t"], columns.Select(c => c.Name));
        Assert.Equal([[";", "a; b"]], rows);
    }

    [Fact]
    public async Task Read_table_reads_all_rows_without_limit()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE canary (id int); INSERT INTO canary SELECT generate_series(1, 3);");
        await using var source = _factory.CreateSource(database.Configuration, Environment);

        var rows = await source.ReadAllAsync(new ModelSource(null, "canary"));

        Assert.Equal(3, rows.Count);
    }
}
