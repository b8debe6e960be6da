using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

/// <summary>Batches that the set-based statements of the PostgreSQL target write from one staging table.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class PostgreSqlTargetBatchTests(PostgresFixture postgres)
{
    private static readonly ConnectorEnvironment Environment = new("/tmp");
    private readonly PostgreSqlConnectorFactory _factory = new();

    [Fact]
    public async Task Write_mixed_operations_apply_in_record_order()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            INSERT INTO people VALUES (1, 'Ann');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["id", "name"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [1L, "Ann B"]),
                new TargetRecord(RecordOperation.Delete, 1L, []),
                new TargetRecord(RecordOperation.Upsert, 1L, [1L, "Ann C"]),
                new TargetRecord(RecordOperation.Insert, 2L, [2L, "Bob"]),
                new TargetRecord(RecordOperation.Insert, 2L, [2L, "Bobby"]),
                new TargetRecord(RecordOperation.Update, 2L, [2L, "Bob B"]),
                new TargetRecord(RecordOperation.Append, 3L, [3L, "Cy"]),
                new TargetRecord(RecordOperation.Delete, 4L, []),
            ]),
            CancellationToken.None);

        Assert.Equal(
            [
                RecordOutcome.Updated, RecordOutcome.Deleted, RecordOutcome.Inserted, RecordOutcome.Inserted,
                RecordOutcome.Skipped, RecordOutcome.Updated, RecordOutcome.Inserted, RecordOutcome.NotFound,
            ],
            results.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT id, name FROM people ORDER BY id");
        Assert.Equal([[1L, "Ann C"], [2L, "Bob B"], [3L, "Cy"]], rows);
    }

    [Fact]
    public async Task Write_upsert_mixes_existing_and_new()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text, age int);
            INSERT INTO people VALUES (1, 'Ann', 30), (2, 'Bob', 40);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["name", "age"], [
                new TargetRecord(RecordOperation.Upsert, 3L, ["Cy", 20L]),
                new TargetRecord(RecordOperation.Upsert, 1L, ["Ann B", 31L]),
                new TargetRecord(RecordOperation.Upsert, "4", ["Di", null]),
                new TargetRecord(RecordOperation.Upsert, 2L, ["Bob B", 41L]),
            ]),
            CancellationToken.None);

        Assert.Equal(
            [RecordOutcome.Inserted, RecordOutcome.Updated, RecordOutcome.Inserted, RecordOutcome.Updated],
            results.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT id, name, age FROM people ORDER BY id");
        Assert.Equal([[1L, "Ann B", 31], [2L, "Bob B", 41], [3L, "Cy", 20], [4L, "Di", null]], rows);
    }

    [Fact]
    public async Task Copy_keeps_escapes_and_bytes()
    {
        var database = await postgres.CreateDatabaseAsync(
            "CREATE TABLE notes (id bigint PRIMARY KEY, body text, raw bytea, hex text, at timestamptz, n numeric(6, 2))");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        const string Awkward = "tab\there, line\nbreak, back\\slash, \\N, \r and ☃";
        var instant = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var results = await target.WriteAsync(
            new WriteBatch("public.notes", "id", ["body", "raw", "hex", "at", "n"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["a\tb\nc\\d\re\\N", new byte[] { 0, 92, 255 }, new byte[] { 9, 10 }, instant, 1.5m]),
                new TargetRecord(RecordOperation.Insert, 2L, [Awkward, null, null, null, null]),
                new TargetRecord(RecordOperation.Upsert, 3L, ["", Array.Empty<byte>(), "\\x41", instant, -0.01m]),
            ])
            { RecordsAreNew = true },
            CancellationToken.None);

        Assert.All(results, r => Assert.Equal(RecordOutcome.Inserted, r.Outcome));
        Assert.Equal(
            [
                [1L, "a\tb\nc\\d\re\\N", new byte[] { 0, 92, 255 }, "\\x090a", true, 1.50m],
                [2L, Awkward, null, null, null, null],
                [3L, "", Array.Empty<byte>(), "\\x41", true, -0.01m],
            ],
            await database.QueryAsync(
                "SELECT id, body, raw, hex, at = timestamptz '2024-01-02 03:04:05+00', n FROM notes ORDER BY id"));
    }

    [Fact]
    public async Task Copy_conflict_falls_back_to_upsert()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            INSERT INTO people VALUES (2, 'Bob');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var first = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["name"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["Ann"]),
                new TargetRecord(RecordOperation.Upsert, 2L, ["Bob B"]),
                new TargetRecord(RecordOperation.Insert, 3L, ["Cy"]),
            ])
            { RecordsAreNew = true },
            CancellationToken.None);
        var second = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["name"], [new TargetRecord(RecordOperation.Upsert, 4L, ["Di"])]) { RecordsAreNew = true },
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Updated, RecordOutcome.Inserted], first.Select(r => r.Outcome));
        Assert.Equal(RecordOutcome.Inserted, Assert.Single(second).Outcome);
        Assert.Equal(
            [[1L, "Ann"], [2L, "Bob B"], [3L, "Cy"], [4L, "Di"]],
            await database.QueryAsync("SELECT id, name FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Copy_constraint_failure_fails_record()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE nums (id int PRIMARY KEY, n int CHECK (n > 0))");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.nums", "id", ["n"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [1L]),
                new TargetRecord(RecordOperation.Upsert, 2L, [-2L]),
                new TargetRecord(RecordOperation.Upsert, 3L, [3L]),
            ])
            { RecordsAreNew = true },
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Failed, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        Assert.StartsWith("writing 1 record to public.nums failed:", results[1].Message, StringComparison.Ordinal);
        Assert.Contains("[SQLSTATE 23514]", results[1].Message, StringComparison.Ordinal);
        Assert.Equal([[1], [3]], await database.QueryAsync("SELECT id FROM nums ORDER BY id"));
    }

    [Fact]
    public async Task Copy_skipped_for_rules()
    {
        // COPY would skip the rule, so the records go to the statements, whose ON CONFLICT PostgreSQL refuses here.
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            CREATE TABLE audit (id bigint);
            CREATE RULE people_audit AS ON INSERT TO people DO ALSO INSERT INTO audit VALUES (NEW.id);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var failure = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.people", "id", ["id", "name"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [1L, "Ann"]),
                new TargetRecord(RecordOperation.Upsert, 2L, [2L, "Bob"]),
            ])
            { RecordsAreNew = true },
            CancellationToken.None));

        Assert.Contains("cannot be used with table that has INSERT or UPDATE rules [SQLSTATE 0A000]", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await database.QueryAsync("SELECT id FROM people"));
        Assert.Empty(await database.QueryAsync("SELECT id FROM audit"));
    }

    [Fact]
    public async Task Copy_skipped_for_insert_triggers()
    {
        // COPY would report every row as inserted, so the statements write the batch and return the rows kept.
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE people (id bigint PRIMARY KEY, name text);
            CREATE FUNCTION keep_even() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN IF NEW.id % 2 = 1 THEN RETURN NULL; END IF; RETURN NEW; END $$;
            CREATE TRIGGER people_keep_even BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION keep_even();
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["id", "name"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [1L, "Ann"]),
                new TargetRecord(RecordOperation.Upsert, 2L, [2L, "Bob"]),
                new TargetRecord(RecordOperation.Insert, 3L, [3L, "Cy"]),
                new TargetRecord(RecordOperation.Insert, 4L, [4L, "Di"]),
            ])
            { RecordsAreNew = true },
            CancellationToken.None);

        Assert.NotEqual(RecordOutcome.Inserted, results[0].Outcome);
        Assert.Equal(RecordOutcome.Inserted, results[1].Outcome);
        Assert.NotEqual(RecordOutcome.Inserted, results[2].Outcome);
        Assert.Equal(RecordOutcome.Inserted, results[3].Outcome);
        Assert.Equal([[2L], [4L]], await database.QueryAsync("SELECT id FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Copy_skipped_for_always_identity()
    {
        // COPY would write the values that INSERT rejects for a GENERATED ALWAYS column.
        var database = await postgres.CreateDatabaseAsync(
            "CREATE TABLE people (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var failure = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.people", "id", ["id", "name"], [new TargetRecord(RecordOperation.Upsert, 1L, [1L, "Ann"])])
            {
                RecordsAreNew = true,
            },
            CancellationToken.None));

        Assert.Contains("[SQLSTATE 428C9]", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await database.QueryAsync("SELECT id FROM people"));
    }

    [Fact]
    public async Task Write_cast_failure_reports_database_message()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE nums (id int PRIMARY KEY, n int);
            INSERT INTO nums VALUES (1, 1);
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var batch = await target.WriteAsync(
            new WriteBatch("public.nums", "id", ["n"], [
                new TargetRecord(RecordOperation.Upsert, 2L, [2L]),
                new TargetRecord(RecordOperation.Upsert, 3L, ["abc"]),
                new TargetRecord(RecordOperation.Update, 1L, [100L]),
            ]),
            CancellationToken.None);
        var single = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.nums", "id", ["n"], [new TargetRecord(RecordOperation.Upsert, 3L, ["abc"])]),
            CancellationToken.None));

        // In a batch the record fails alone, with the message it gets when written alone.
        const string message = "writing 1 record to public.nums failed: invalid input syntax for type integer: \"abc\" [SQLSTATE 22P02]";
        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Failed, RecordOutcome.Updated], batch.Select(r => r.Outcome));
        Assert.Equal(message, batch[1].Message);
        Assert.Equal(message, single.Message);
        Assert.False(single.IsTransient);
        Assert.Equal([[1, 100], [2, 2]], await database.QueryAsync("SELECT id, n FROM nums ORDER BY id"));
    }

    [Fact]
    public async Task Write_constraint_failure_fails_later_record()
    {
        // The second insert of email a@example.com fails only after the first one, so the later record fails.
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint PRIMARY KEY, email text UNIQUE);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["email"], [
                new TargetRecord(RecordOperation.Upsert, 1L, ["a@example.com"]),
                new TargetRecord(RecordOperation.Upsert, 2L, ["b@example.com"]),
                new TargetRecord(RecordOperation.Delete, 5L, []),
                new TargetRecord(RecordOperation.Upsert, 3L, ["a@example.com"]),
            ]),
            CancellationToken.None);

        Assert.Equal(
            [RecordOutcome.Inserted, RecordOutcome.Inserted, RecordOutcome.NotFound, RecordOutcome.Failed], results.Select(r => r.Outcome));
        Assert.Contains("[SQLSTATE 23505]", results[3].Message, StringComparison.Ordinal);
        Assert.Equal([[1L], [2L]], await database.QueryAsync("SELECT id FROM people ORDER BY id"));
    }

    [Theory]
    [InlineData(new[] { 27 })]
    [InlineData(new[] { 1, 2, 40 })]
    [InlineData(new[] { 40 })]
    [InlineData(new[] { 17, 33 })]
    [InlineData(new[] { 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 30, 31 })]
    public async Task Write_failure_fails_only_bad_records(int[] badRecords)
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE nums (id int PRIMARY KEY, n int);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var records = Enumerable.Range(1, 40)
            .Select(i => new TargetRecord(RecordOperation.Upsert, (long)i, [badRecords.Contains(i) ? "x" : (object)(long)i]))
            .ToList();

        var results = await target.WriteAsync(new WriteBatch("public.nums", "id", ["n"], records), CancellationToken.None);

        var failed = Enumerable.Range(1, 40).Where(i => results[i - 1].Outcome == RecordOutcome.Failed);
        Assert.Equal(badRecords, failed);
        Assert.All(badRecords, i => Assert.Contains("[SQLSTATE 22P02]", results[i - 1].Message, StringComparison.Ordinal));
        var written = Enumerable.Range(1, 40).Except(badRecords).Select(i => new object?[] { i, i }).ToList();
        Assert.Equal(written, await database.QueryAsync("SELECT id, n FROM nums ORDER BY id"));
    }

    [Fact]
    public async Task Write_every_record_failing_fails_each()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE nums (id int PRIMARY KEY, n int);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var records = Enumerable.Range(1, 300).Select(i => new TargetRecord(RecordOperation.Upsert, (long)i, ["x"])).ToList();

        var results = await target.WriteAsync(new WriteBatch("public.nums", "id", ["n"], records), CancellationToken.None);

        Assert.All(results, result => Assert.Equal(RecordOutcome.Failed, result.Outcome));
        Assert.Empty(await database.QueryAsync("SELECT id FROM nums"));
    }

    [Fact]
    public async Task Write_bytes_to_bytea_and_text()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE files (id bigint PRIMARY KEY, raw bytea, label text);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        var bytes = new byte[] { 0, 1, 0xfe, 0xff };

        // The raw column gets bytes and bytea's hexadecimal text input form in one batch.
        var mixed = await target.WriteAsync(
            new WriteBatch("public.files", "id", ["raw", "label"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [bytes, new byte[] { 0x0a }]),
                new TargetRecord(RecordOperation.Upsert, 2L, ["\\x0a0b", null]),
                new TargetRecord(RecordOperation.Upsert, 3L, [null, "plain"]),
            ]),
            CancellationToken.None);
        var bytesOnly = await target.WriteAsync(
            new WriteBatch("public.files", "id", ["raw"], [
                new TargetRecord(RecordOperation.Upsert, 4L, [Array.Empty<byte>()]),
                new TargetRecord(RecordOperation.Upsert, 3L, [bytes]),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Inserted, RecordOutcome.Inserted], mixed.Select(r => r.Outcome));
        Assert.Equal("field label: the binary value was stored as hexadecimal text", mixed[0].Warning);
        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Updated], bytesOnly.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT id, raw, label FROM files ORDER BY id");
        Assert.Equal([1L, bytes, "\\x0a"], rows[0]);
        Assert.Equal([2L, new byte[] { 0x0a, 0x0b }, null], rows[1]);
        Assert.Equal([3L, bytes, "plain"], rows[2]);
        Assert.Equal([4L, Array.Empty<byte>(), null], rows[3]);
    }

    [Fact]
    public async Task Write_create_only_fields_in_mixed_batch()
    {
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE contacts (id bigint PRIMARY KEY, email text, source text);
            INSERT INTO contacts VALUES (1, 'ann@example.com', NULL), (2, 'bob@example.com', 'import');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.contacts", "id", ["id", "email", "source"], [
                new TargetRecord(RecordOperation.Update, 1L, [1L, "ann@new.example", "web"]),
                new TargetRecord(RecordOperation.Upsert, 2L, [2L, "bob@new.example", "web"]),
                new TargetRecord(RecordOperation.Insert, 3L, [3L, "cy@example.com", "web"]),
            ])
            { CreateOnlyFields = new HashSet<string>(StringComparer.Ordinal) { "source" } },
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Updated, RecordOutcome.Updated, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT id, email, source FROM contacts ORDER BY id");
        Assert.Equal([1L, "ann@new.example", "web"], rows[0]);
        Assert.Equal([2L, "bob@new.example", "import"], rows[1]);
        Assert.Equal([3L, "cy@example.com", "web"], rows[2]);
    }

    [Fact]
    public async Task Write_null_identity_fails_only_its_record()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE people (id bigint UNIQUE, name text);");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.people", "id", ["id", "name"], [
                new TargetRecord(RecordOperation.Upsert, 1L, [1L, "Ann"]),
                new TargetRecord(RecordOperation.Upsert, 2L, [null, "Nobody"]),
                new TargetRecord(RecordOperation.Insert, 3L, [null, "Nobody"]),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Failed, RecordOutcome.Failed], results.Select(r => r.Outcome));
        Assert.StartsWith("field id: the identity value is null", results[1].Message, StringComparison.Ordinal);
        Assert.Equal([[1L, "Ann"]], await database.QueryAsync("SELECT id, name FROM people"));
    }

    [Fact]
    public async Task Write_same_identity_after_cast()
    {
        // 1.0 and 1 are different texts but one numeric value.
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE items (id numeric PRIMARY KEY, name text);
            INSERT INTO items VALUES (1, 'one'), (2, 'two');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var upsert = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.items", "id", ["name"], [
                new TargetRecord(RecordOperation.Upsert, "1.0", ["a"]),
                new TargetRecord(RecordOperation.Upsert, "1", ["b"]),
            ]),
            CancellationToken.None));
        var update = await Assert.ThrowsAsync<ConnectorException>(() => target.WriteAsync(
            new WriteBatch("public.items", "id", ["name"], [
                new TargetRecord(RecordOperation.Update, "2.0", ["a"]),
                new TargetRecord(RecordOperation.Update, "2", ["b"]),
            ]),
            CancellationToken.None));
        var insert = await target.WriteAsync(
            new WriteBatch("public.items", "id", ["name"], [
                new TargetRecord(RecordOperation.Insert, "3.0", ["first"]),
                new TargetRecord(RecordOperation.Insert, "3", ["second"]),
            ]),
            CancellationToken.None);
        var delete = await target.WriteAsync(
            new WriteBatch("public.items", "id", [], [
                new TargetRecord(RecordOperation.Delete, "1", []),
                new TargetRecord(RecordOperation.Delete, "1.00", []),
            ]),
            CancellationToken.None);

        Assert.Contains("cannot affect row a second time", upsert.Message, StringComparison.Ordinal);
        Assert.False(upsert.IsTransient);
        Assert.Contains("have the same value of identity field id", update.Message, StringComparison.Ordinal);
        Assert.False(update.IsTransient);
        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Skipped], insert.Select(r => r.Outcome));
        Assert.Equal([RecordOutcome.Deleted, RecordOutcome.NotFound], delete.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT id::text, name FROM items ORDER BY id");
        Assert.Equal([["2", "two"], ["3.0", "first"]], rows);
    }

    [Fact]
    public async Task Write_append_without_fields_uses_defaults()
    {
        var database = await postgres.CreateDatabaseAsync("CREATE TABLE ticks (n serial, at text DEFAULT 'now');");
        await using var target = _factory.CreateTarget(database.Configuration, Environment);

        var results = await target.WriteAsync(
            new WriteBatch("public.ticks", null, [], [
                new TargetRecord(RecordOperation.Append, "k1", []),
                new TargetRecord(RecordOperation.Append, "k2", []),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Inserted], results.Select(r => r.Outcome));
        Assert.Equal([[1, "now"], [2, "now"]], await database.QueryAsync("SELECT n, at FROM ticks ORDER BY n"));
    }

    [Fact]
    public async Task Write_column_names_of_staging_table()
    {
        // Target columns named like the staging table's columns and aliases must not be confused with them.
        var database = await postgres.CreateDatabaseAsync("""
            CREATE TABLE odd (ordinal bigint PRIMARY KEY, v0 text, c0 text, outflow_ordinal text, s text, r text);
            INSERT INTO odd VALUES (1, 'a', 'b', 'c', 'd', 'e');
            """);
        await using var target = _factory.CreateTarget(database.Configuration, Environment);
        string[] fields = ["v0", "c0", "outflow_ordinal", "s", "r"];

        var results = await target.WriteAsync(
            new WriteBatch("public.odd", "ordinal", fields, [
                new TargetRecord(RecordOperation.Upsert, 2L, ["v", "w", "x", "y", "z"]),
                new TargetRecord(RecordOperation.Update, 1L, ["1", "2", "3", "4", "5"]),
                new TargetRecord(RecordOperation.Insert, 1L, ["-", "-", "-", "-", "-"]),
            ]),
            CancellationToken.None);

        Assert.Equal([RecordOutcome.Inserted, RecordOutcome.Updated, RecordOutcome.Skipped], results.Select(r => r.Outcome));
        var rows = await database.QueryAsync("SELECT * FROM odd ORDER BY ordinal");
        Assert.Equal([1L, "1", "2", "3", "4", "5"], rows[0]);
        Assert.Equal([2L, "v", "w", "x", "y", "z"], rows[1]);
    }
}
