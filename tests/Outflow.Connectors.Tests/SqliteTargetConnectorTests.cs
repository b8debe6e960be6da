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
            CREATE TABLE history (name TEXT, outflow_execution_id TEXT, outflow_snapshot_at TEXT);
            CREATE TABLE keyed_history (id INTEGER PRIMARY KEY, outflow_execution_id TEXT, outflow_snapshot_at TEXT);
            CREATE TABLE half_history (name TEXT, outflow_execution_id TEXT);
            CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT, source TEXT, score REAL);
            INSERT INTO contacts VALUES (1, 'ann@example.com', NULL, 1.5), (2, 'bob@example.com', 'import', 2.5);
            """);
        _target = new SqliteConnectorFactory().CreateTarget(new JsonObject { ["path"] = "target.db" }, _files.Environment);
    }

    [Fact]
    public async Task ListObjects_describes_tables_and_fields()
    {
        var objects = await _target.ListObjectsAsync(CancellationToken.None);

        Assert.Equal(
            ["accounts", "contacts", "half_history", "history", "keyed_history", "nokey", "order", "people"], objects.Select(o => o.Id));
        var people = objects[7];
        Assert.Equal(["id", "name", "age"], people.Fields.Select(f => f.Id));
        Assert.Equal([true, false, false], people.Fields.Select(f => f.SupportsIdentity));
        Assert.Equal([false, true, false], people.Fields.Select(f => f.Required));
        Assert.True(objects[0].Fields[0].SupportsIdentity);
        Assert.Equal(
            [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace, SyncMode.Append, SyncMode.Remove],
            people.Modes);
        Assert.Equal([SyncMode.Append], objects[5].Modes);
        Assert.Equal([SyncMode.Append, SyncMode.Snapshot], objects[3].Modes);
        Assert.Equal([SyncMode.Append], objects[2].Modes);
        Assert.Equal(
            [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace, SyncMode.Append, SyncMode.Remove, SyncMode.Snapshot],
            objects[4].Modes);
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
    public async Task Write_new_records_inserts_and_updates_existing()
    {
        // A batch marked new may still meet a record the table has, such as one written before the state was lost.
        var results = await _target.WriteAsync(
            new WriteBatch("people", "id", ["name", "age"], [
                new TargetRecord(RecordOperation.Upsert, 3L, ["Cy", 20L]),
                new TargetRecord(RecordOperation.Upsert, "1", ["Ann B", 31L]),
                new TargetRecord(RecordOperation.Upsert, 4L, ["Di", null]),
            ])
            { RecordsAreNew = true },
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Updated, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        var rows = _files.Query("target.db", "SELECT id, name, age FROM people ORDER BY id");
        Assert.Equal([[1L, "Ann B", 31L], [2L, "Bob", 40L], [3L, "Cy", 20L], [4L, "Di", null]], rows);
    }

    [Fact]
    public async Task Write_new_records_keeps_create_only_values()
    {
        var results = await _target.WriteAsync(
            new WriteBatch("contacts", "id", ["email", "source"], [
                new TargetRecord(RecordOperation.Upsert, 2L, ["bob@new.example.com", "sync"]),
                new TargetRecord(RecordOperation.Upsert, 3L, ["cy@example.com", "sync"]),
            ])
            { RecordsAreNew = true, CreateOnlyFields = new HashSet<string>(StringComparer.Ordinal) { "source" } },
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Updated, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        var rows = _files.Query("target.db", "SELECT id, email, source FROM contacts ORDER BY id");
        Assert.Equal([2L, "bob@new.example.com", "import"], rows[1]);
        Assert.Equal([3L, "cy@example.com", "sync"], rows[2]);
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

    [Fact]
    public async Task DescribeObject_reports_identity_collation()
    {
        _files.CreateDatabase("collations.db", """
            CREATE TABLE codes (plain TEXT PRIMARY KEY, nocase TEXT COLLATE NOCASE UNIQUE, rtrim TEXT COLLATE RTRIM UNIQUE);
            """);
        var target = new SqliteConnectorFactory().CreateTarget(new JsonObject { ["path"] = "collations.db" }, _files.Environment);

        var codes = await target.DescribeObjectAsync("codes", CancellationToken.None);

        Assert.NotNull(codes);
        Assert.Equal(
            [IdentityComparison.Exact, IdentityComparison.IgnoreAsciiCase, IdentityComparison.IgnoreTrailingSpaces],
            codes.Fields.Select(f => f.Comparison));
    }

    [Fact]
    public async Task Write_append_inserts_without_matching()
    {
        var executionId = Guid.NewGuid().ToString();
        var startedAt = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var fields = new[] { "name", SnapshotColumns.ExecutionId, SnapshotColumns.SnapshotAt };

        var results = await _target.WriteAsync(
            new WriteBatch("history", null, fields, [
                new TargetRecord(RecordOperation.Append, "key-1", ["Ann", executionId, startedAt]),
                new TargetRecord(RecordOperation.Append, "key-1", ["Ann", executionId, startedAt]),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        var rows = _files.Query("target.db", "SELECT name, outflow_execution_id, outflow_snapshot_at FROM history");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["Ann", executionId, "2024-03-01T12:00:00Z"], rows[0]);
        Assert.Equal(rows[0], rows[1]);
    }

    [Fact]
    public async Task Write_append_into_keyed_table_ignores_identity()
    {
        var results = await _target.WriteAsync(
            new WriteBatch("people", "id", ["name"], [
                new TargetRecord(RecordOperation.Append, 1L, ["Cy"]),
                new TargetRecord(RecordOperation.Upsert, 2L, ["Bob B"]),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Updated], results.Select(r => r.Outcome));
        var rows = _files.Query("target.db", "SELECT id, name FROM people ORDER BY id");
        Assert.Equal([[1L, "Ann"], [2L, "Bob B"], [3L, "Cy"]], rows);
    }

    [Fact]
    public async Task Write_without_identity_field_rejects_matching_records()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => _target.WriteAsync(
            new WriteBatch("history", null, ["name"], [
                new TargetRecord(RecordOperation.Append, "k", ["Ann"]),
                new TargetRecord(RecordOperation.Upsert, "k", ["Ann"]),
            ]),
            CancellationToken.None));

        Assert.Contains("identity field", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_files.Query("target.db", "SELECT * FROM history"));
    }

    [Fact]
    public async Task Write_create_only_field_fills_only_null()
    {
        var createOnly = new HashSet<string>(StringComparer.Ordinal) { "source" };

        var results = await _target.WriteAsync(
            new WriteBatch("contacts", "id", ["email", "source"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["ann@new.example", "web"]),
                new TargetRecord(RecordOperation.Update, 2L, ["bob@new.example", "web"]),
                new TargetRecord(RecordOperation.Upsert, 3L, ["cy@example.com", "web"]),
            ])
            { CreateOnlyFields = createOnly },
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Updated, RecordOutcome.Updated, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        var rows = _files.Query("target.db", "SELECT id, email, source FROM contacts ORDER BY id");
        Assert.Equal([1L, "ann@new.example", "web"], rows[0]);
        Assert.Equal([2L, "bob@new.example", "import"], rows[1]);
        Assert.Equal([3L, "cy@example.com", "web"], rows[2]);
    }

    [Fact]
    public async Task Write_unrepresentable_value_fails_only_its_record()
    {
        var results = await _target.WriteAsync(
            new WriteBatch("contacts", "id", ["email", "score"], [
                new TargetRecord(RecordOperation.Upsert, 3L, ["cy@example.com", 0.5m]),
                new TargetRecord(RecordOperation.Upsert, 4L, ["di@example.com", 12345678901234567890.123456789m]),
                new TargetRecord(RecordOperation.Upsert, 5L, ["ed@example.com", double.NaN]),
                new TargetRecord(RecordOperation.Upsert, 6L, [42L, 1L]),
            ]),
            CancellationToken.None);

        Assert.Equal(
            [RecordOutcome.Inserted, RecordOutcome.Failed, RecordOutcome.Failed, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        Assert.Equal("field score: the decimal was stored as a floating-point number", results[0].Warning);
        Assert.StartsWith("field score: the decimal has more significant digits", results[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("field score: NaN cannot be stored in SQLite", results[2].Message, StringComparison.Ordinal);
        Assert.Equal(
            "field email: the integer was stored as text; field score: the integer was stored as a floating-point number", results[3].Warning);
        var rows = _files.Query("target.db", "SELECT id, email, score FROM contacts WHERE id > 2 ORDER BY id");
        Assert.Equal([[3L, "cy@example.com", 0.5], [6L, "42", 1.0]], rows);
    }

    public void Dispose() => _files.Dispose();
}
