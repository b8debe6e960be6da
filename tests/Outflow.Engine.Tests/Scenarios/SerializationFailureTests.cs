using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// A PostgreSQL target whose writes fail with serialization_failure (SQLSTATE 40001) or deadlock_detected (40P01),
/// raised by a trigger: a few failures are retried and the target ends exact, and endless ones fail the execution
/// with the SQLSTATE in its errors.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class SerializationFailureTests(PostgresFixture postgres)
{
    private const int RowCount = 100;
    private const int BatchSize = 25;

    [Theory]
    [InlineData("40001")]
    [InlineData("40P01")]
    public async Task Transaction_failures_retried_exactly(string sqlState)
    {
        await using var harness = await CreateHarnessAsync();
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        // The first row of the first batch fails twice, and the first row of the second batch once. A failure rolls the
        // whole batch back.
        await FailRowsAsync(harness, sqlState, $"IN (1, 2, {2 + BatchSize + 1})");
        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal(new ExecutionCounts(Total: RowCount, Insert: RowCount, Upserts: RowCount), execution.Counts);
        Assert.Equal(new TargetWrites(RowCount, 0, 0), await harness.TakeWriteLogAsync());
        Assert.Equal(RowCount + 3, await RowsSeenAsync(harness));
        Assert.Equal(People.ExpectedRows(RowCount), await harness.QueryTargetRowsAsync(People.SelectTargetRows));
    }

    [Fact]
    public async Task Endless_serialization_failure_fails_cleanly()
    {
        await using var harness = await CreateHarnessAsync();
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        // The first batch is written, and every row after it fails.
        await FailRowsAsync(harness, "40001", $"> {BatchSize}");
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        var error = Assert.Single(failed.Errors);
        Assert.Contains("after 5 attempts", error, StringComparison.Ordinal);
        Assert.Contains("SQLSTATE 40001", error, StringComparison.Ordinal);
        Assert.Equal(new ExecutionCounts(Total: BatchSize, Insert: BatchSize, Upserts: BatchSize), failed.Counts);
        Assert.Equal(new TargetWrites(BatchSize, 0, 0), await harness.TakeWriteLogAsync());

        await harness.ExecuteTargetAsync("DROP TRIGGER people_fault ON people");
        var resumed = await harness.RunAsync(sync);

        People.AssertCompleted(resumed);
        Assert.Equal(RowCount - BatchSize, resumed.Counts.Insert);
        Assert.Equal(new TargetWrites(RowCount - BatchSize, 0, 0), await harness.TakeWriteLogAsync());
        Assert.Equal(People.ExpectedRows(RowCount), await harness.QueryTargetRowsAsync(People.SelectTargetRows));
    }

    private async Task<EngineHarness> CreateHarnessAsync()
    {
        var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.Sqlite, batchSize: BatchSize);
        await People.CreateTablesAsync(harness);
        harness.ExecuteSource(People.InsertRows(RowCount, SourceKind.Sqlite));
        return harness;
    }

    /// <summary>
    /// Adds a row-level trigger to the target's <c>people</c> table that numbers each row written with a sequence, which
    /// a rollback does not undo, and raises <paramref name="sqlState"/> when the number matches <paramref name="failing"/>.
    /// </summary>
    private static Task FailRowsAsync(EngineHarness harness, string sqlState, string failing) =>
        harness.ExecuteTargetAsync($"""
            CREATE SEQUENCE people_rows;
            CREATE FUNCTION people_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('people_rows') {failing} THEN
                    RAISE EXCEPTION 'injected failure of a write to people' USING ERRCODE = '{sqlState}';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER people_fault BEFORE INSERT OR UPDATE ON people
                FOR EACH ROW EXECUTE FUNCTION people_fault();
            """);

    /// <summary>Returns how many rows the trigger saw, failed ones included.</summary>
    private static async Task<long> RowsSeenAsync(EngineHarness harness) =>
        Convert.ToInt64(
            await harness.QueryTargetScalarAsync("SELECT last_value FROM people_rows"),
            System.Globalization.CultureInfo.InvariantCulture);
}
