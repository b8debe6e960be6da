using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

public sealed class SqliteSourceConnectorTests : IDisposable
{
    private readonly SqliteFiles _files = new();
    private readonly ISourceConnector _source;

    public SqliteSourceConnectorTests()
    {
        _files.CreateDatabase("source.db", """
            CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(10,2), ratio REAL, photo BLOB, active BOOLEAN, seen DATETIME);
            INSERT INTO items VALUES (1, 'snow ☃ and 🎉', 12.5, 0.25, x'00ff', 1, '2024-01-01 10:00:00');
            INSERT INTO items VALUES (2, '', 7, NULL, NULL, 0, NULL);
            INSERT INTO items VALUES (3, NULL, NULL, NULL, NULL, NULL, NULL);
            CREATE TABLE "order" ("group" TEXT);
            INSERT INTO "order" VALUES ('x');
            """);
        _source = new SqliteConnectorFactory().CreateSource(new JsonObject { ["path"] = "source.db" }, _files.Environment);
    }

    [Fact]
    public async Task Describe_table_uses_declared_types()
    {
        var columns = await _source.DescribeAsync(new ModelSource(null, "items"), CancellationToken.None);

        Assert.Equal(["id", "name", "price", "ratio", "photo", "active", "seen"], columns.Select(c => c.Name));
        Assert.Equal(
            [FieldType.Number, FieldType.String, FieldType.Number, FieldType.Number, FieldType.Binary, FieldType.Boolean, FieldType.Datetime],
            columns.Select(c => c.Type));
        Assert.Equal("DECIMAL(10,2)", columns[2].RemoteType);
    }

    [Fact]
    public async Task Describe_expression_infers_from_first_row()
    {
        var columns = await _source.DescribeAsync(
            new ModelSource("SELECT id, id * 2 AS twice, name || '!' AS shout, NULL AS blank FROM items ORDER BY id -- note", null),
            CancellationToken.None);

        Assert.Equal(["INTEGER", "INTEGER", "TEXT", ""], columns.Select(c => c.RemoteType));
        Assert.Equal([FieldType.Number, FieldType.Number, FieldType.String, FieldType.Unknown], columns.Select(c => c.Type));
    }

    [Fact]
    public async Task Describe_waits_for_writer_lock()
    {
        // In the rollback journal mode of this file, an exclusive transaction keeps every reader out.
        using var writer = new SqliteConnection($"Data Source={Path.Combine(_files.Root, "source.db")};Pooling=False");
        writer.Open();
        using var command = writer.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE";
        command.ExecuteNonQuery();

        // The connector waits for the lock on a blocked thread, so the test runs it on another one.
        var describe = Task.Run(() => _source.DescribeAsync(
            new ModelSource("SELECT id, name || '!' AS shout FROM items", null), CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(describe.IsCompleted, $"Describe ended while the file was locked: {describe.Exception}");

        command.CommandText = "COMMIT";
        command.ExecuteNonQuery();
        var columns = await describe;

        Assert.Equal(["id", "shout"], columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Describe_failing_query_throws()
    {
        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => _source.DescribeAsync(new ModelSource("SELECT * FROM missing_table", null), CancellationToken.None));

        Assert.Contains("missing_table", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_normalizes_values()
    {
        var rows = await _source.ReadAllAsync(new ModelSource("SELECT * FROM items ORDER BY id;", null));

        Assert.Equal(3, rows.Count);
        Assert.Equal([1L, "snow ☃ and 🎉", 12.5m, 0.25, new byte[] { 0, 255 }, true, "2024-01-01 10:00:00"], rows[0]);
        Assert.Equal("", rows[1][1]);
        Assert.Equal(7L, rows[1][2]);
        Assert.Null(rows[2][1]);
        Assert.Null(rows[2][2]);
    }

    [Fact]
    public async Task Read_quoted_table_name()
    {
        var rows = await _source.ReadAllAsync(new ModelSource(null, "order"));

        Assert.Equal(["x"], Assert.Single(rows));
    }

    [Fact]
    public async Task Read_query_cannot_write()
    {
        await Assert.ThrowsAsync<ConnectorException>(
            () => _source.ReadAllAsync(new ModelSource("DELETE FROM items RETURNING id", null)));

        Assert.Equal(3, _files.Query("source.db", "SELECT * FROM items").Count);
    }

    [Fact]
    public async Task Describe_attach_query_is_rejected()
    {
        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => _source.DescribeAsync(AttachQuery(), CancellationToken.None));

        Assert.Contains("single SELECT statement", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_attach_query_is_rejected()
    {
        var exception = await Assert.ThrowsAsync<ConnectorException>(() => _source.ReadAllAsync(AttachQuery()));

        Assert.Contains("single SELECT statement", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_after_attach_query_sees_only_main_database()
    {
        await Assert.ThrowsAsync<ConnectorException>(() => _source.ReadAllAsync(AttachQuery()));

        var rows = await _source.ReadAllAsync(new ModelSource("SELECT name FROM pragma_database_list", null));

        Assert.Equal([["main"]], rows);
    }

    [Fact]
    public async Task Read_semicolon_inside_string_literal_works()
    {
        var model = new ModelSource("SELECT ';' AS s, 'a; b' AS t -- trailing; comment", null);

        var columns = await _source.DescribeAsync(model, CancellationToken.None);
        var rows = await _source.ReadAllAsync(model);

        Assert.Equal(["s", "t"], columns.Select(c => c.Name));
        Assert.Equal([[";", "a; b"]], rows);
    }

    public void Dispose() => _files.Dispose();

    // Closes the wrapping parenthesis to append an ATTACH of a database outside the files root.
    private ModelSource AttachQuery()
    {
        var outside = _files.CreateOutsideDatabase("secret.db", "CREATE TABLE secret (value TEXT); INSERT INTO secret VALUES ('x');");
        return new ModelSource($"SELECT 1 AS id); ATTACH DATABASE '{outside}' AS s; SELECT (1", null);
    }
}
