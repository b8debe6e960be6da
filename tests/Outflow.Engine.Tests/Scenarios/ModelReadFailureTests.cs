using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>A model query that fails partway through its rows: the execution fails and writes and deletes nothing.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class ModelReadFailureTests(PostgresFixture postgres)
{
    private const int RowCount = 60;

    [Theory]
    [InlineData(SourceKind.Sqlite, TargetKind.PostgreSql)]
    [InlineData(SourceKind.Sqlite, TargetKind.Sqlite)]
    [InlineData(SourceKind.PostgreSql, TargetKind.PostgreSql)]
    [InlineData(SourceKind.PostgreSql, TargetKind.Sqlite)]
    public async Task Read_failing_halfway_deletes_nothing(SourceKind source, TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target, source, batchSize: 10);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync(People.InsertRows(RowCount, source));
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        var first = await harness.RunAsync(sync);
        People.AssertCompleted(first);
        Assert.Equal(RowCount, first.Counts.Insert);
        await harness.TakeWriteLogAsync();
        var rowsBefore = await harness.QueryTargetRowsAsync(People.SelectTargetRows);

        // Row 5 leaves the model and every name changes, but the read fails at id 40, before any of it may be applied.
        await harness.UpdateModelQueryAsync(
            model,
            $"SELECT id, name || ' changed' AS name, {FailingAmount(source)} AS amount FROM people WHERE id <> 5 ORDER BY id");
        var failed = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.NotEmpty(failed.Errors);
        Assert.Equal(ExecutionCounts.Zero, failed.Counts);
        Assert.Equal(rowsBefore, await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());

        await harness.UpdateModelQueryAsync(model, "SELECT id, name, amount FROM people WHERE id <> 5 ORDER BY id");
        var recovered = await harness.RunAsync(sync);

        People.AssertCompleted(recovered);
        Assert.Equal(new ExecutionCounts(Total: 1, Delete: 1), recovered.Counts);
        Assert.Equal(RowCount - 1, (await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id")).Count);
        await People.AssertCountsMatchTargetAsync(harness, recovered);
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Unreadable_value_is_record_error_and_deletes_nothing(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target, SourceKind.PostgreSql);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        People.AssertCompleted(await harness.RunAsync(sync));

        // Row 2's amount grows beyond what a decimal holds, and row 3 leaves the model.
        await harness.UpdateModelQueryAsync(
            model,
            "SELECT id, name, CASE WHEN id = 2 THEN 123456789012345678901234567890::numeric ELSE amount * 2 END AS amount " +
            "FROM people WHERE id <> 3 ORDER BY id");
        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal(new ExecutionCounts(Total: 2, Update: 1, Upserts: 1, Error: 1), execution.Counts);
        var error = Assert.Single(harness.ReadLog(execution.Id, "errors"));
        Assert.Equal("value_unreadable", (string?)error["key"]);
        Assert.Equal("2", (string?)error["identity"]);
        Assert.Contains("amount", (string?)error["message"], StringComparison.Ordinal);

        // Nothing is deleted while a row could not be read, so row 3's record and row 2's old values stay.
        Assert.Equal(["1|Ada|20", "2|Grace|20", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
    }

    /// <summary>
    /// An amount expression that fails only when the source evaluates row 40: PostgreSQL divides by zero, and SQLite
    /// raises "integer overflow" on abs() of the smallest 64-bit integer.
    /// </summary>
    private static string FailingAmount(SourceKind source) => source == SourceKind.PostgreSql
        ? "amount + 0 / (id - 40)"
        : "CASE WHEN id = 40 THEN abs(-9223372036854775807 - 1) ELSE amount END";
}
