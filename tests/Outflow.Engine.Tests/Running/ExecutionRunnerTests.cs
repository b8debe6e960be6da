using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

[Collection(PostgresFixture.CollectionName)]
public sealed class ExecutionRunnerTests(PostgresFixture postgres)
{
    private const string PeopleQuery = "SELECT id, name, amount FROM people";
    private const string TargetTable = "public.people";

    [Fact]
    public async Task Run_first_insert_then_nothing_then_update()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.UpdateOrCreate);

        var first = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, first.Status);
        Assert.Empty(first.Errors);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3, Upserts: 3), first.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        var second = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, second.Status);
        Assert.Equal(ExecutionCounts.Zero, second.Counts);

        harness.ExecuteSource("UPDATE people SET name = 'Grace Hopper' WHERE id = 2");
        var third = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, third.Status);
        Assert.Equal(new ExecutionCounts(Total: 1, Update: 1, Upserts: 1), third.Counts);
        Assert.Equal("Grace Hopper", await harness.QueryTargetScalarAsync("SELECT name FROM people WHERE id = 2"));
    }

    [Fact]
    public async Task Run_replace_deletes_only_rows_it_wrote()
    {
        await using var harness = await CreateHarnessAsync();
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (100, 'written by someone else', 1)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.Replace);
        var first = await harness.RunAsync(sync);
        Assert.Equal(3, first.Counts.Insert);

        harness.ExecuteSource("DELETE FROM people WHERE id = 2");
        var second = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, second.Status);
        Assert.Equal(new ExecutionCounts(Total: 1, Delete: 1), second.Counts);
        Assert.Equal([1L, 3L, 100L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        var third = await harness.RunAsync(sync);

        Assert.Equal(ExecutionCounts.Zero, third.Counts);
    }

    [Fact]
    public async Task Run_duplicate_identity_rejects_every_row_of_it()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("CREATE TABLE extra (id INTEGER, name TEXT, amount NUMERIC)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        harness.ExecuteSource("INSERT INTO extra VALUES (2, 'Grace again', 21), (3, 'Edsger', 30)");
        var model = await harness.CreateModelAsync(
            "SELECT id, name, amount FROM people UNION ALL SELECT id, name, amount FROM extra", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, TargetTable, "id", "name", "amount");

        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(new ExecutionCounts(Total: 4, Insert: 2, Upserts: 2, Error: 2), execution.Counts);
        Assert.Equal([1L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
        var errors = harness.ReadLog(execution.Id, "errors");
        Assert.Equal(2, errors.Count);
        Assert.All(errors, line => Assert.Equal("duplicate_identity", (string?)line["key"]));
        Assert.All(errors, line => Assert.Equal("2", (string?)line["identity"]));
        Assert.Equal(["Grace", "Grace again"], errors.Select(line => (string?)line["fields"]!["name"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_missing_identity_is_a_record_error()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("CREATE TABLE loose (id INTEGER, name TEXT, amount NUMERIC)");
        harness.ExecuteSource("INSERT INTO loose VALUES (1, 'Ada', 10), (NULL, 'Nobody', 5), ('', 'Empty', 6)");
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM loose", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, TargetTable, "id", "name", "amount");

        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 1, Upserts: 1, Error: 2), execution.Counts);
        var errors = harness.ReadLog(execution.Id, "errors");
        Assert.Equal(2, errors.Count);
        Assert.All(errors, line => Assert.Equal("missing_identity", (string?)line["key"]));
        Assert.Equal([1L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Run_bad_row_isolated_and_retried()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
            INSERT INTO people SELECT i, 'person ' || i, CASE WHEN i = 250 THEN -1 ELSE i END FROM n
            """);
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.UpdateOrCreate);

        var first = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, first.Status);
        Assert.Equal(new ExecutionCounts(Total: 500, Insert: 499, Upserts: 499, Error: 1), first.Counts);
        Assert.Equal(499L, await harness.QueryTargetScalarAsync("SELECT count(*) FROM people"));
        var error = Assert.Single(harness.ReadLog(first.Id, "errors"));
        Assert.Equal("target_rejected", (string?)error["key"]);
        Assert.Equal("250", (string?)error["identity"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));

        var second = await harness.RunAsync(sync);

        Assert.Equal(new ExecutionCounts(Total: 1, Error: 1), second.Counts);

        harness.ExecuteSource("UPDATE people SET amount = 250 WHERE id = 250");
        var third = await harness.RunAsync(sync);

        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), third.Counts);
        Assert.Equal(500L, await harness.QueryTargetScalarAsync("SELECT count(*) FROM people"));
    }

    [Fact]
    public async Task Run_read_failing_halfway_fails_and_deletes_nothing()
    {
        await using var harness = await CreateHarnessAsync(batchSize: 50);
        harness.ExecuteSource("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
            INSERT INTO people SELECT i, 'person ' || i, i FROM n
            """);
        var model = await harness.CreateModelAsync(PeopleQuery, "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, TargetTable, "id", "name", "amount");
        var first = await harness.RunAsync(sync);
        Assert.Equal(500, first.Counts.Insert);

        // abs() of the smallest 64-bit integer raises "integer overflow" when SQLite reaches row 300.
        await harness.UpdateModelQueryAsync(
            model,
            "SELECT id, name, CASE WHEN id = 300 THEN abs(-9223372036854775807 - 1) ELSE amount END AS amount " +
            "FROM people WHERE id <> 5 ORDER BY id");
        var second = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, second.Status);
        Assert.NotEmpty(second.Errors);
        Assert.Equal(ExecutionCounts.Zero, second.Counts);
        Assert.Equal(500L, await harness.QueryTargetScalarAsync("SELECT count(*) FROM people"));
        Assert.Empty(Directory.GetFiles(harness.ScratchDirectory));
    }

    [Fact]
    public async Task Run_update_mode_missing_record_is_a_warning()
    {
        await using var harness = await CreateHarnessAsync();
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'old', 1)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.Update);

        var first = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, first.Status);
        Assert.Equal(new ExecutionCounts(Total: 1, Update: 1, Warnings: 1), first.Counts);
        Assert.Equal([1L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
        var warning = Assert.Single(harness.ReadLog(first.Id, "warnings"));
        Assert.Equal("record_not_found", (string?)warning["key"]);

        var second = await harness.RunAsync(sync);

        Assert.Equal(new ExecutionCounts(Warnings: 1), second.Counts);
    }

    [Fact]
    public async Task Run_create_mode_leaves_existing_records()
    {
        await using var harness = await CreateHarnessAsync();
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'kept', 1)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.Create);

        var first = await harness.RunAsync(sync);

        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1), first.Counts);
        Assert.Equal("kept", await harness.QueryTargetScalarAsync("SELECT name FROM people WHERE id = 1"));

        harness.ExecuteSource("UPDATE people SET name = 'Grace Hopper' WHERE id = 2");
        var second = await harness.RunAsync(sync);

        Assert.Equal(ExecutionCounts.Zero, second.Counts);
        Assert.Equal("Grace", await harness.QueryTargetScalarAsync("SELECT name FROM people WHERE id = 2"));
    }

    [Fact]
    public async Task Run_identities_option_limits_rows_and_never_deletes()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.Replace);

        var execution = await harness.RunAsync(sync, new ExecutionOptions(Identities: ["2", "3"]));

        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), execution.Counts);
        Assert.Equal([2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        var resync = await harness.RunAsync(sync, new ExecutionOptions(Resync: true, Identities: ["1"]));

        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), resync.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    [Fact]
    public async Task Run_missing_target_object_fails_clearly()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10)");
        var model = await harness.CreateModelAsync(PeopleQuery, "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.nowhere", "id", "name");

        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        var error = Assert.Single(execution.Errors);
        Assert.Contains("public.nowhere", error, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(harness.ScratchDirectory) ? Directory.GetFiles(harness.ScratchDirectory) : []);
    }

    [Fact]
    public async Task Run_unknown_model_field_fails_clearly()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10)");
        await harness.ExecuteTargetAsync("ALTER TABLE people ADD COLUMN nickname text");
        var model = await harness.CreateModelAsync(PeopleQuery, "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, TargetTable, "id", "nickname");

        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        var error = Assert.Single(execution.Errors);
        Assert.Contains("model field \"nickname\"", error, StringComparison.Ordinal);
        Assert.Equal(0L, await harness.QueryTargetScalarAsync("SELECT count(*) FROM people"));
    }

    [Fact]
    public async Task Run_canceled_before_start_ends_canceled()
    {
        await using var harness = await CreateHarnessAsync();
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10)");
        var sync = await CreatePeopleSyncAsync(harness, SyncMode.UpdateOrCreate);
        var execution = await harness.CreateExecutionAsync(sync);
        await harness.Executions.RequestCancelAsync(execution.Id, CancellationToken.None);

        await harness.Runner.RunAsync(execution.Id, CancellationToken.None);

        var stored = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Canceled, stored!.Status);
        Assert.NotNull(stored.CompletedAt);
        Assert.Equal(0L, await harness.QueryTargetScalarAsync("SELECT count(*) FROM people"));
    }

    private async Task<EngineHarness> CreateHarnessAsync(int batchSize = 500)
    {
        var harness = await EngineHarness.CreateAsync(postgres, batchSize);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount numeric CHECK (amount >= 0))");
        return harness;
    }

    private static async Task<Sync> CreatePeopleSyncAsync(EngineHarness harness, SyncMode mode)
    {
        var model = await harness.CreateModelAsync(PeopleQuery, "id", "name", "amount");
        return await harness.CreateSyncAsync(model, mode, TargetTable, "id", "name", "amount");
    }
}
