using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Remove deletes the target records whose identity a model row has, and leaves every other record.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RemoveModeTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Remove_deletes_matching_records_only(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3), (4, 'd', 4), (5, 'e', 5)");
        await harness.TakeWriteLogAsync();

        // Row 9 has no record to delete: that is no error.
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (2, 'Grace', 20), (4, 'Barbara', 40), (9, 'Nobody', 90)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Remove));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal((2L, 2L, 0L, 0L, 0L), (first.Counts.Total, first.Counts.Delete, first.Counts.Insert, first.Counts.Update, first.Counts.Error));
        Assert.Equal(["1|a|1", "3|c|3", "5|e|5"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, first);
        Assert.Equal(["2", "4"], harness.ReadLog(first.Id, "deletes").Select(line => (string)line["identity"]!).Order());

        var unchanged = await harness.RunAsync(sync);

        People.AssertCompleted(unchanged);
        Assert.Equal(0, unchanged.Counts.Total);
        Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());

        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (5, 'Edsger', 50)");
        var third = await harness.RunAsync(sync);

        People.AssertCompleted(third);
        Assert.Equal((1L, 1L), (third.Counts.Total, third.Counts.Delete));
        Assert.Equal(["1|a|1", "3|c|3"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, third);
    }
}
