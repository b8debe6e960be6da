using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>A dry run counts and logs what a normal execution would do, and changes neither the target nor the state.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DryRunTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Dry_run_counts_and_logs_without_writing(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        People.AssertCompleted(await harness.RunAsync(sync));
        await harness.TakeWriteLogAsync();
        var rowsBefore = await harness.QueryTargetRowsAsync(People.SelectTargetRows);
        var stateBefore = await harness.ReadStateAsync(sync);

        await harness.ExecuteSourceAsync(
            "UPDATE people SET amount = 21 WHERE id = 2; DELETE FROM people WHERE id = 3; INSERT INTO people VALUES (4, 'Barbara', 40)");
        var dryRun = await harness.RunAsync(sync, type: ExecutionTypes.DryRun);

        People.AssertCompleted(dryRun);
        var counts = dryRun.Counts;
        Assert.Equal((3L, 1L, 1L, 1L, 0L), (counts.Total, counts.Insert, counts.Update, counts.Delete, counts.Error));
        Assert.Equal(rowsBefore, await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());
        Assert.Equal(stateBefore, await harness.ReadStateAsync(sync));
        Assert.Equal("4", Assert.Single(harness.ReadLog(dryRun.Id, "inserts"))["identity"]?.ToString());
        Assert.Equal("2", Assert.Single(harness.ReadLog(dryRun.Id, "updates"))["identity"]?.ToString());
        Assert.Equal("3", Assert.Single(harness.ReadLog(dryRun.Id, "deletes"))["identity"]?.ToString());
        Assert.Equal(3, harness.ReadLog(dryRun.Id, "records").Count);

        // A normal run afterwards does what the dry run predicted.
        var normal = await harness.RunAsync(sync);

        People.AssertCompleted(normal);
        Assert.Equal(counts with { Warnings = normal.Counts.Warnings }, normal.Counts);
        Assert.Equal(["1|Ada|10", "2|Grace|21", "4|Barbara|40"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, normal);
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Dry_run_reports_record_problems(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'seeded', 0)");
        await harness.TakeWriteLogAsync();
        await harness.ExecuteSourceAsync("CREATE TABLE extra (id bigint, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        await harness.ExecuteSourceAsync("INSERT INTO extra VALUES (3, 'Edsger again', 31)");
        var model = await People.CreateModelAsync(
            harness, "SELECT id, name, amount FROM people UNION ALL SELECT id, name, amount FROM extra ORDER BY id, name");
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Update));

        var dryRun = await harness.RunAsync(sync, type: ExecutionTypes.DryRun);

        People.AssertCompleted(dryRun);
        Assert.Equal(new ExecutionCounts(Total: 3, Update: 1, Error: 2, Warnings: 1), dryRun.Counts);
        Assert.Equal(2, harness.ReadLog(dryRun.Id, "errors").Count);
        Assert.Equal("2", (string?)Assert.Single(harness.ReadLog(dryRun.Id, "warnings"))["identity"]);
        Assert.Equal(["1|seeded|0"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());
    }
}
