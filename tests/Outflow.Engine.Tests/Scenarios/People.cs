using Outflow.Core.Executions;
using Outflow.Core.Models;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// The <c>people</c> tables most scenarios use: the same DDL works in SQLite and PostgreSQL, and the target's
/// <c>amount</c> column rejects negative numbers, so a test can make one row fail in the target alone.
/// </summary>
internal static class People
{
    public const string Query = "SELECT id, name, amount FROM people ORDER BY id";

    public const string SelectTargetRows = "SELECT id, name, amount FROM people ORDER BY id";

    public static readonly string[] Fields = ["id", "name", "amount"];

    /// <summary>Creates the source and target tables and installs the target's write log.</summary>
    public static async Task CreateTablesAsync(EngineHarness harness)
    {
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint CHECK (amount >= 0))");
        await harness.InstallWriteLogAsync("people");
    }

    /// <summary>Returns the statement that inserts the rows 1 to <paramref name="count"/>, named and valued after their id.</summary>
    public static string InsertRows(int count, SourceKind source) => source == SourceKind.PostgreSql
        ? $"INSERT INTO people SELECT i, 'person ' || i, i FROM generate_series(1, {count}) AS i"
        : $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
            INSERT INTO people SELECT i, 'person ' || i, i FROM n
            """;

    /// <summary>Returns the rows of <see cref="InsertRows"/> as <see cref="EngineHarness.QueryTargetRowsAsync"/> reads them.</summary>
    public static List<string> ExpectedRows(int count) =>
        Enumerable.Range(1, count).Select(id => $"{id}|person {id}|{id}").ToList();

    public static Task<Model> CreateModelAsync(EngineHarness harness, string query = Query) =>
        harness.CreateModelAsync(query, Fields);

    /// <summary>Builds a sync configuration that maps id, name and amount to the target's <c>people</c> table by id.</summary>
    public static SyncConfiguration Configuration(EngineHarness harness, Model model, SyncMode mode) =>
        harness.NewSyncConfiguration(model, mode, harness.TargetObject("people"), "id", Fields);

    /// <summary>Asserts that the execution completed without execution-level errors.</summary>
    public static void AssertCompleted(Execution execution)
    {
        Assert.True(
            execution.Status == ExecutionStatus.Completed,
            $"execution ended {execution.Status}: {string.Join("; ", execution.Errors)}");
        Assert.Empty(execution.Errors);
    }

    /// <summary>
    /// Asserts that the counts add up (insert + update + delete + error = total) and equal the inserts, updates and
    /// deletes the target's triggers saw since the last check.
    /// </summary>
    public static async Task AssertCountsMatchTargetAsync(EngineHarness harness, Execution execution)
    {
        var counts = execution.Counts;
        Assert.Equal(counts.Total, counts.Insert + counts.Update + counts.Delete + counts.Error);
        var writes = await harness.TakeWriteLogAsync();
        Assert.Equal(new TargetWrites(counts.Insert, counts.Update, counts.Delete), writes);
    }
}
