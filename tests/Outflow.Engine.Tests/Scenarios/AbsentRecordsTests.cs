using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// Replace deletes the records whose rows left the model. The comparison reads only the state's hashes and looks up
/// the identities of absent records in groups, so these runs delete more records than one group holds.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class AbsentRecordsTests(PostgresFixture postgres)
{
    private const int Rows = 2_503;

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Replace_deletes_every_absent_record(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync(People.InsertRows(Rows, SourceKind.Sqlite));
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        People.AssertCompleted(await harness.RunAsync(sync));
        await harness.TakeWriteLogAsync();

        await harness.ExecuteSourceAsync("DELETE FROM people WHERE id % 2 = 0 OR id > 2400");
        var second = await harness.RunAsync(sync);

        var remaining = Enumerable.Range(1, Rows).Where(id => id % 2 == 1 && id <= 2400).ToList();
        var deleted = Enumerable.Range(1, Rows).Except(remaining).ToList();
        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: deleted.Count, Delete: deleted.Count), second.Counts);
        Assert.Equal(remaining.Select(id => $"{id}|person {id}|{id}"), await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, second);
        var logged = harness.ReadLog(second.Id, "deletes").Select(line => line["identity"]!.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(deleted.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), logged);

        var unchanged = await harness.RunAsync(sync);

        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
    }
}
