using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>A batch the target rejects is split until the failing record is found, and only it fails.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RecordIsolationTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Bad_row_in_500_isolated_and_retried(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
            INSERT INTO people SELECT i, 'person ' || i, CASE WHEN i = 250 THEN -1 ELSE i END FROM n
            """);
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.UpdateOrCreate));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 500, Insert: 499, Upserts: 499, Error: 1), first.Counts);
        var ids = await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id");
        Assert.Equal(499, ids.Count);
        Assert.DoesNotContain(250L, ids);
        await People.AssertCountsMatchTargetAsync(harness, first);
        var error = Assert.Single(harness.ReadLog(first.Id, "errors"));
        Assert.Equal("target_rejected", (string?)error["key"]);
        Assert.Equal("250", (string?)error["identity"]);
        Assert.Contains("check constraint", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(-1L, (long?)error["fields"]!["amount"]);

        // The source row did not change, yet the failed record is tried again, and only it.
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 1, Error: 1), second.Counts);
        Assert.Equal("250", (string?)Assert.Single(harness.ReadLog(second.Id, "errors"))["identity"]);
        await People.AssertCountsMatchTargetAsync(harness, second);

        await harness.ExecuteSourceAsync("UPDATE people SET amount = 250 WHERE id = 250");
        var third = await harness.RunAsync(sync);

        People.AssertCompleted(third);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), third.Counts);
        Assert.Equal(500, (await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id")).Count);
        Assert.Contains("250|person 250|250", await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, third);
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Not_null_violation_fails_one_record(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text NOT NULL, amount bigint)");
        await harness.InstallWriteLogAsync("people");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, NULL, 20), (3, 'Edsger', 30), (4, 'Barbara', 40)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));

        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal(new ExecutionCounts(Total: 4, Insert: 3, Upserts: 3, Error: 1), execution.Counts);
        Assert.Equal(["1|Ada|10", "3|Edsger|30", "4|Barbara|40"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, execution);
        var error = Assert.Single(harness.ReadLog(execution.Id, "errors"));
        Assert.Equal("2", (string?)error["identity"]);
        Assert.Contains("null", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
    }
}
