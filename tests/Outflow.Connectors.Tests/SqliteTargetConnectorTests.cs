using System.Text.Json.Nodes;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.Tests;

public sealed class SqliteTargetConnectorTests : IDisposable
{
    private readonly SqliteFiles _files = new();
    private readonly ITargetConnector _target;

    public SqliteTargetConnectorTests()
    {
        _files.CreateDatabase("target.db", """
            CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER);
            INSERT INTO people VALUES (1, 'Ann', 30), (2, 'Bob', 40);
            CREATE TABLE accounts (code TEXT NOT NULL UNIQUE, amount DECIMAL(10,2), note TEXT, total TEXT, at TEXT, day TEXT, flag BOOLEAN);
            CREATE TABLE nokey (a INTEGER);
            CREATE TABLE "order" ("select" TEXT PRIMARY KEY, "a""b; DROP TABLE nokey" TEXT);
            """);
        _target = new SqliteConnectorFactory().CreateTarget(new JsonObject { ["path"] = "target.db" }, _files.Environment);
    }

    [Fact]
    public async Task ListObjects_describes_tables_and_fields()
    {
        var objects = await _target.ListObjectsAsync(CancellationToken.None);

        Assert.Equal(["accounts", "nokey", "order", "people"], objects.Select(o => o.Id));
        var people = objects[3];
        Assert.Equal(["id", "name", "age"], people.Fields.Select(f => f.Id));
        Assert.Equal([true, false, false], people.Fields.Select(f => f.SupportsIdentity));
        Assert.Equal([false, true, false], people.Fields.Select(f => f.Required));
        Assert.True(objects[0].Fields[0].SupportsIdentity);
        Assert.Equal([SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace], people.Modes);
        Assert.Empty(objects[1].Modes);
        Assert.Null(await _target.DescribeObjectAsync("missing", CancellationToken.None));
    }

    [Fact]
    public async Task Write_reports_each_outcome()
    {
        var results = await _target.WriteAsync(
            new WriteBatch("people", "id", ["name", "age"], [
                new TargetRecord(RecordOperation.Upsert, 3L, ["Cy", 20L]),
                new TargetRecord(RecordOperation.Upsert, "1", ["Ann B", 31L]),
                new TargetRecord(RecordOperation.Insert, 2L, ["Bobby", 41L]),
                new TargetRecord(RecordOperation.Insert, 4L, ["Di", null]),
                new TargetRecord(RecordOperation.Update, 2L, ["Bob C", 42L]),
                new TargetRecord(RecordOperation.Update, 99L, ["Nobody", 1L]),
                new TargetRecord(RecordOperation.Delete, 3L, []),
                new TargetRecord(RecordOperation.Delete, 98L, []),
            ]),
            CancellationToken.None);

        Assert.Equal(
            [
                RecordOutcome.Inserted, RecordOutcome.Updated, RecordOutcome.Skipped, RecordOutcome.Inserted,
                RecordOutcome.Updated, RecordOutcome.NotFound, RecordOutcome.Deleted, RecordOutcome.NotFound,
            ],
            results.Select(r => r.Outcome));
        var rows = _files.Query("target.db", "SELECT id, name, age FROM people ORDER BY id");
        Assert.Equal(3, rows.Count);
        Assert.Equal([1L, "Ann B", 31L], rows[0]);
        Assert.Equal([2L, "Bob C", 42L], rows[1]);
        Assert.Equal([4L, "Di", null], rows[2]);
    }

    [Fact]
    public async Task Write_converts_values_for_columns()
    {
        await _target.WriteAsync(
            new WriteBatch("accounts", "code", ["amount", "note", "total", "at", "day", "flag"], [
                new TargetRecord(RecordOperation.Upsert, "a", [
                    12.5m, "", 12345678901234567890.123456789m, new DateTimeOffset(2024, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)),
                    new DateOnly(2024, 2, 29), true,
                ]),
                new TargetRecord(RecordOperation.Upsert, "b", [3m, null, 1m, new DateTime(2024, 1, 2, 3, 4, 5, 250), null, false]),
            ]),
            CancellationToken.None);

        var rows = _files.Query("target.db", "SELECT code, amount, note, total, at, day, flag FROM accounts ORDER BY code");
        Assert.Equal(["a", 12.5, "", "12345678901234567890.123456789", "2024-01-02T03:04:05Z", "2024-02-29", 1L], rows[0]);
        Assert.Equal(["b", 3L, null, "1", "2024-01-02 03:04:05.25", null, 0L], rows[1]);
    }

    [Fact]
    public async Task Write_bad_row_rolls_back_batch()
    {
        var exception = await Assert.ThrowsAsync<ConnectorException>(() => _target.WriteAsync(
            new WriteBatch("people", "id", ["name"], [
                new TargetRecord(RecordOperation.Upsert, 5L, ["Eve"]),
                new TargetRecord(RecordOperation.Update, 1L, ["Changed"]),
                new TargetRecord(RecordOperation.Upsert, 6L, [null]),
            ]),
            CancellationToken.None));

        Assert.Contains("record 3", exception.Message, StringComparison.Ordinal);
        Assert.Contains("NOT NULL", exception.Message, StringComparison.Ordinal);
        var rows = _files.Query("target.db", "SELECT id, name FROM people ORDER BY id");
        Assert.Equal([[1L, "Ann"], [2L, "Bob"]], rows);
    }

    [Fact]
    public async Task Write_quotes_identifiers()
    {
        var results = await _target.WriteAsync(
            new WriteBatch("order", "select", ["a\"b; DROP TABLE nokey"], [new TargetRecord(RecordOperation.Upsert, "k", ["v"])]),
            CancellationToken.None);

        Assert.Equal(RecordOutcome.Inserted, Assert.Single(results).Outcome);
        Assert.Equal(["k", "v"], Assert.Single(_files.Query("target.db", "SELECT * FROM \"order\"")));
        Assert.Empty(_files.Query("target.db", "SELECT * FROM nokey"));
    }

    [Fact]
    public async Task Write_identity_without_unique_index_throws()
    {
        var exception = await Assert.ThrowsAsync<ConnectorException>(() => _target.WriteAsync(
            new WriteBatch("nokey", "a", [], [new TargetRecord(RecordOperation.Upsert, 1L, [])]),
            CancellationToken.None));

        Assert.Contains("cannot identify records", exception.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
