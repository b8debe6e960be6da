using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

[Collection(PostgresFixture.CollectionName)]
public sealed class PostgreSqlTargetConnectorTests(PostgresFixture postgres)
{
    private static readonly ConnectorEnvironment Environment = new("/tmp");
    private readonly PostgreSqlConnectorFactory _factory = new();

    [Fact]
    public async Task ListObjects_describes_tables_and_fields()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE SCHEMA crm;
            CREATE TABLE crm.accounts (id bigint PRIMARY KEY, email text UNIQUE, name varchar(40) NOT NULL, score int NOT NULL DEFAULT 0,
                                       tag text, total numeric GENERATED ALWAYS AS (score * 2) STORED);
            CREATE TABLE nokey (a int);
            CREATE TABLE history (name text, outflow_execution_id text, outflow_snapshot_at timestamptz);
            CREATE TABLE keyed_history (id bigint PRIMARY KEY, outflow_execution_id text, outflow_snapshot_at timestamptz);
            CREATE TABLE half_history (name text, outflow_snapshot_at timestamptz);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var objects = await target.ListObjectsAsync(CancellationToken.None);

        Assert.Equal(
            ["crm.accounts", "public.half_history", "public.history", "public.keyed_history", "public.nokey"], objects.Select(o => o.Id));
        var accounts = objects[0];
        Assert.Equal(["id", "email", "name", "score", "tag"], accounts.Fields.Select(f => f.Id));
        Assert.Equal([true, true, false, false, false], accounts.Fields.Select(f => f.SupportsIdentity));
        Assert.Equal([true, false, true, false, false], accounts.Fields.Select(f => f.Required));
        Assert.Equal("character varying(40)", accounts.Fields[2].RemoteType);
        Assert.Equal(
            [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace, SyncMode.Append, SyncMode.Remove],
            accounts.Modes);
        Assert.Equal([SyncMode.Append], objects[4].Modes);
        Assert.Equal([SyncMode.Append], objects[1].Modes);
        Assert.Equal([SyncMode.Append, SyncMode.Snapshot], objects[2].Modes);
        Assert.Equal(
            [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace, SyncMode.Append, SyncMode.Remove, SyncMode.Snapshot],
            objects[3].Modes);
        Assert.Null(await target.DescribeObjectAsync("crm.missing", CancellationToken.None));
        Assert.NotNull(await target.DescribeObjectAsync("nokey", CancellationToken.None));
    }

    [Fact]
    public async Task Write_session_sets_idle_timeout()
    {
        // A trigger records the setting of the session that runs the insert, which is the target's write session.
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            CREATE TABLE session_settings (value text NOT NULL);
            CREATE FUNCTION record_setting() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO session_settings VALUES (current_setting('idle_in_transaction_session_timeout'));
                RETURN NULL;
            END $$;
            CREATE TRIGGER record_setting AFTER INSERT ON people FOR EACH ROW EXECUTE FUNCTION record_setting();
            """);
        var environment = Environment with { ExecutionLease = TimeSpan.FromSeconds(6) };
        await using var target = _factory.CreateTarget(database.Configuration, environment);
        await using var source = _factory.CreateSource(database.Configuration, environment);

        await target.WriteAsync(
            new WriteBatch("public.people", "id", ["name"], [new TargetRecord(RecordOperation.Upsert, 1L, ["Ann"])]),
            CancellationToken.None);
        var sourceRows = await source.ReadAllAsync(
            new ModelSource("SELECT current_setting('idle_in_transaction_session_timeout') AS value", null));

        var written = Assert.Single(await database.QueryAsync("SELECT value FROM session_settings"));
        Assert.Equal("2s", written[0]);
        var read = Assert.Single(sourceRows);
        Assert.Equal("0", read[0]);
    }

    [Fact]
    public async Task Write_checks_before_commit()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var activityAtCheck = "";
        var batch = new WriteBatch("public.people", "id", ["name"], [new TargetRecord(RecordOperation.Upsert, 1L, ["Ann"])])
        {
            BeforeCommit = async _ =>
            {
                // The target's session has run the statements and waits inside its transaction for the commit.
                var sessions = await database.QueryAsync(
                    $"SELECT state FROM pg_stat_activity WHERE datname = '{database.Name}' AND application_name = 'outflow'");
                activityAtCheck = string.Join(",", sessions.Select(row => row[0]));
                throw new InvalidOperationException("lease lost");
            },
        };

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => target.WriteAsync(batch, CancellationToken.None));

        Assert.Equal("lease lost", failure.Message);
        Assert.Contains("idle in transaction", activityAtCheck, StringComparison.Ordinal);
        Assert.Empty(await database.QueryAsync("SELECT id FROM people"));
    }

    [Fact]
    public async Task Write_idle_past_timeout_rolls_back()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text);");
        var environment = Environment with { ExecutionLease = TimeSpan.FromSeconds(3) };
        await using var target = _factory.CreateTarget(database.Configuration, environment);

        // A check that returns after twice the 1-second idle timeout, as a worker paused before its commit would.
        var batch = new WriteBatch("public.people", "id", ["name"], [new TargetRecord(RecordOperation.Upsert, 1L, ["Ann"])])
        {
            BeforeCommit = cancellationToken => Task.Delay(TimeSpan.FromSeconds(2), cancellationToken),
        };

        var failure = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(batch, CancellationToken.None));

        Assert.True(failure.IsTransient, failure.Message);
        Assert.Empty(await database.QueryAsync("SELECT id FROM people"));
    }

    [Fact]
    public async Task Write_reports_each_outcome()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text, age int);
            INSERT INTO people VALUES (1, 'Ann', 30), (2, 'Bob', 40);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["name", "age"], [
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
        var rows = await database.QueryAsync("SELECT id, name, age FROM people ORDER BY id");
        Assert.Equal(3, rows.Count);
        Assert.Equal([1L, "Ann B", 31], rows[0]);
        Assert.Equal([2L, "Bob C", 42], rows[1]);
        Assert.Equal([4L, "Di", null], rows[2]);
    }

    [Fact]
    public async Task Write_casts_values_to_column_types()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE typed (id bigint PRIMARY KEY, amount numeric(10,2), at timestamptz, local timestamp, day date,
                                doc jsonb, flag boolean, raw bytea, code char(3), ratio real);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        await target.WriteAsync(
            new WriteBatch("public.typed", "id", ["id", "amount", "at", "local", "day", "doc", "flag", "raw", "code", "ratio"], [
                new TargetRecord(RecordOperation.Upsert, "42", [
                    "42", 12.5m, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTime(2024, 1, 2, 3, 4, 5, 250),
                    new DateOnly(2024, 2, 29), """{"k": "v"}""", true, new byte[] { 1, 2 }, "ab", 0.5,
                ]),
            ]),
            CancellationToken.None);

        var row = Assert.Single(await database.QueryAsync(
            "SELECT id, amount, at, local, day, doc::text, flag, raw, code, ratio FROM typed"));
        Assert.Equal(42L, row[0]);
        Assert.Equal(12.50m, row[1]);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), row[2]);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, 250), row[3]);
        Assert.Equal(new DateOnly(2024, 2, 29), row[4]);
        Assert.Equal("""{"k": "v"}""", row[5]);
        Assert.Equal(true, row[6]);
        Assert.Equal(new byte[] { 1, 2 }, row[7]);
        Assert.Equal("ab ", row[8]);
        Assert.Equal(0.5f, row[9]);
    }

    [Fact]
    public async Task Write_bad_row_fails_alone()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE nums (id int PRIMARY KEY, n int, label varchar(3));
            INSERT INTO nums VALUES (1, 1, 'a');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        foreach (var (bad, written) in new[] { ("1.5", RecordOutcome.Inserted), ("abc", RecordOutcome.Updated) })
        {
            var results = await target.WriteAsync(
                new WriteBatch("public.nums", "id", ["n"], [
                    new TargetRecord(RecordOperation.Upsert, 2L, [2L]),
                    new TargetRecord(RecordOperation.Update, 1L, [100L]),
                    new TargetRecord(RecordOperation.Upsert, 3L, [bad]),
                ]),
                CancellationToken.None);

            Assert.Equal([written, RecordOutcome.Updated, RecordOutcome.Failed], results.Select(r => r.Outcome));
            Assert.Contains("[SQLSTATE 22P02]", results[2].Message, StringComparison.Ordinal);
        }

        var tooLong = await target.WriteAsync(
            new WriteBatch("public.nums", "id", ["label"], [new TargetRecord(RecordOperation.Upsert, 5L, ["abcd"])]),
            CancellationToken.None);
        Assert.Equal(RecordOutcome.Failed, Assert.Single(tooLong).Outcome);
        Assert.Contains("maximum of 3", tooLong[0].Message, StringComparison.Ordinal);

        Assert.Equal([[1, 100, "a"], [2, 2, null]], await database.QueryAsync("SELECT id, n, label FROM nums ORDER BY id"));
    }

    [Fact]
    public async Task Write_quotes_identifiers()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE SCHEMA "odd ""schema";
            CREATE TABLE "odd ""schema"."order" ("select" text PRIMARY KEY, "a""b; DROP TABLE x" text);
            CREATE TABLE x (n int);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("odd \"schema.order", "select", ["a\"b; DROP TABLE x"], [
                new TargetRecord(RecordOperation.Upsert, "k", ["v"]),
            ]),
            CancellationToken.None);

        Assert.Equal(RecordOutcome.Inserted, Assert.Single(results).Outcome);
        Assert.Equal(["k", "v"], Assert.Single(await database.QueryAsync("SELECT * FROM \"odd \"\"schema\".\"order\"")));
        Assert.Empty(await database.QueryAsync("SELECT * FROM x"));
    }

    [Fact]
    public async Task Write_unknown_field_or_missing_table_throws()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE t (id int PRIMARY KEY, name text, other int);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var unknownField = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.t", "id", ["nope"], [new TargetRecord(RecordOperation.Upsert, 1L, ["x"])]),
            CancellationToken.None));
        var notUnique = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.t", "other", ["name"], [new TargetRecord(RecordOperation.Upsert, 1L, ["x"])]),
            CancellationToken.None));
        var missingTable = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.gone", "id", [], [new TargetRecord(RecordOperation.Delete, 1L, [])]),
            CancellationToken.None));

        Assert.Contains("nope", unknownField.Message, StringComparison.Ordinal);
        Assert.Contains("other", notUnique.Message, StringComparison.Ordinal);
        Assert.Contains("public.gone", missingTable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_round_trips_read_values()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE src (id bigint PRIMARY KEY, amount numeric(20,6), ratio float8, flag bool, at timestamptz, local timestamp,
                              day date, doc json, label text);
            INSERT INTO src VALUES (9223372036854775807, 99999999999999.999999, 1e-300, false, '1999-12-31 23:59:59.999999+00',
                                    '2000-01-01 00:00:00', '0001-01-01', '{"x":1}', 'emoji 🎉');
            INSERT INTO src (id, label) VALUES (1, '');
            CREATE TABLE dst (LIKE src INCLUDING ALL);
            """);
        await using var source = _factory.CreateSource(database.Configuration, Environment);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var rows = await source.ReadAllAsync(new ModelSource(null, "src"));
        var fields = new[] { "id", "amount", "ratio", "flag", "at", "local", "day", "doc", "label" };

        await target.WriteAsync(
            new WriteBatch("public.dst", "id", fields, rows.Select(r => new TargetRecord(RecordOperation.Upsert, r[0]!, r)).ToList()),
            CancellationToken.None);

        var copied = await source.ReadAllAsync(new ModelSource("SELECT * FROM dst ORDER BY id DESC", null));
        var original = await source.ReadAllAsync(new ModelSource("SELECT * FROM src ORDER BY id DESC", null));
        Assert.Equal(original, copied);
        Assert.Equal("", copied[1][8]);
        Assert.Null(copied[1][7]);
    }

    [Fact]
    public async Task DescribeObject_reports_identity_comparison()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE EXTENSION citext;
            CREATE TABLE codes (plain text PRIMARY KEY, fixed char(5) UNIQUE, caseless citext UNIQUE);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var codes = await target.DescribeObjectAsync("public.codes", CancellationToken.None);

        Assert.NotNull(codes);
        Assert.Equal(
            [IdentityComparison.Exact, IdentityComparison.IgnoreTrailingSpaces, IdentityComparison.IgnoreCase],
            codes.Fields.Select(f => f.Comparison));
    }

    [Fact]
    public async Task Write_append_inserts_without_matching()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE history (name text, outflow_execution_id text, outflow_snapshot_at timestamptz);
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            INSERT INTO people VALUES (1, 'Ann');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var executionId = Guid.NewGuid().ToString();
        var startedAt = new DateTimeOffset(2024, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));
        var fields = new[] { "name", SnapshotColumns.ExecutionId, SnapshotColumns.SnapshotAt };

        var appended = await target.WriteAsync(
            new WriteBatch("public.history", null, fields, [
                new TargetRecord(RecordOperation.Append, "key-1", ["Ann", executionId, startedAt]),
                new TargetRecord(RecordOperation.Append, "key-1", ["Ann", executionId, startedAt]),
            ]),
            CancellationToken.None);
        var mixed = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["id", "name"], [
                new TargetRecord(RecordOperation.Append, 2L, [2L, "Bob"]),
                new TargetRecord(RecordOperation.Upsert, 1L, [1L, "Ann B"]),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Inserted], appended.Select(r => r.Outcome));
        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Updated], mixed.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT name, outflow_execution_id, outflow_snapshot_at FROM history");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["Ann", executionId, new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc)], rows[0]);
        Assert.Equal(rows[0], rows[1]);
        Assert.Equal([[1L, "Ann B"], [2L, "Bob"]], await database.QueryAsync("SELECT id, name FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Write_without_identity_field_rejects_matching_records()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE history (name text);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => target.WriteAsync(
            new WriteBatch("public.history", null, ["name"], [
                new TargetRecord(RecordOperation.Append, "k", ["Ann"]),
                new TargetRecord(RecordOperation.Delete, "k", []),
            ]),
            CancellationToken.None));

        Assert.Contains("identity field", exception.Message, StringComparison.Ordinal);
        Assert.Empty(await database.QueryAsync("SELECT * FROM history"));
    }

    [Fact]
    public async Task Write_create_only_field_fills_only_null()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE contacts (id bigint PRIMARY KEY, email text, source text);
            INSERT INTO contacts VALUES (1, 'ann@example.com', NULL), (2, 'bob@example.com', 'import'), (4, 'di@example.com', 'import');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var createOnly = new HashSet<string>(StringComparer.Ordinal) { "source" };

        var results = await target.WriteAsync(
            new WriteBatch("public.contacts", "id", ["email", "source"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["ann@new.example", "web"]),
                new TargetRecord(RecordOperation.Update, 2L, ["bob@new.example", "web"]),
                new TargetRecord(RecordOperation.Upsert, 3L, ["cy@example.com", "web"]),
                new TargetRecord(RecordOperation.Upsert, 4L, ["di@new.example", "web"]),
            ])
            { CreateOnlyFields = createOnly },
            CancellationToken.None);

        Assert.Equal(
            [RecordOutcome.Updated, RecordOutcome.Updated, RecordOutcome.Inserted, RecordOutcome.Updated], results.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT id, email, source FROM contacts ORDER BY id");
        Assert.Equal([1L, "ann@new.example", "web"], rows[0]);
        Assert.Equal([2L, "bob@new.example", "import"], rows[1]);
        Assert.Equal([3L, "cy@example.com", "web"], rows[2]);
        Assert.Equal([4L, "di@new.example", "import"], rows[3]);
    }

    [Fact]
    public async Task Write_unrepresentable_value_fails_only_its_record()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE items (id bigint PRIMARY KEY, label varchar(5), amount numeric(10,2), seen timestamp);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var instant = new DateTimeOffset(2024, 1, 2, 5, 0, 0, TimeSpan.FromHours(2));

        var results = await target.WriteAsync(
            new WriteBatch("public.items", "id", ["label", "amount", "seen"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["ok", 1.25m, null]),
                new TargetRecord(RecordOperation.Upsert, 2L, ["a\0b", 1m, null]),
                new TargetRecord(RecordOperation.Upsert, 3L, ["ok", 1.255m, null]),
                new TargetRecord(RecordOperation.Upsert, 4L, [12L, 2m, instant]),
            ]),
            CancellationToken.None);

        Assert.Equal(
            [RecordOutcome.Inserted, RecordOutcome.Failed, RecordOutcome.Failed, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        Assert.Null(results[0].Warning);
        Assert.StartsWith("field label: the text contains the NUL character (U+0000)", results[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("field amount: the number has more decimal places than the column's scale of 2", results[2].Message, StringComparison.Ordinal);
        Assert.Equal(
            "field label: the integer was stored as text; " +
            "field seen: the instant was stored as its UTC time, because the column is a timestamp without time zone",
            results[3].Warning);
        var rows = await database.QueryAsync("SELECT id, label, amount, seen FROM items ORDER BY id");
        Assert.Equal(2, rows.Count);
        Assert.Equal([1L, "ok", 1.25m, null], rows[0]);
        Assert.Equal([4L, "12", 2.00m, new DateTime(2024, 1, 2, 3, 0, 0)], rows[1]);
    }
}
