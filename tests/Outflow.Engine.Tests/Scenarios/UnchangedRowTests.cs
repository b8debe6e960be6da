using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>The same source rows synced three times without change: only the first execution writes.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class UnchangedRowTests(PostgresFixture postgres)
{
    public static TheoryData<SyncMode, TargetKind> Cases()
    {
        var data = new TheoryData<SyncMode, TargetKind>();
        foreach (var mode in new[] { SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Replace })
        {
            foreach (var target in Enum.GetValues<TargetKind>())
            {
                data.Add(mode, target);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Unchanged_rows_written_once(SyncMode mode, TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        if (mode == SyncMode.Update)
        {
            await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, 'seeded', 0), (2, 'seeded', 0)");
            await harness.TakeWriteLogAsync();
        }

        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, mode));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(2, first.Counts.Insert + first.Counts.Update);
        Assert.Equal(["1|Ada|10", "2|Grace|20"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, first);

        for (var run = 2; run <= 3; run++)
        {
            var execution = await harness.RunAsync(sync);

            People.AssertCompleted(execution);
            Assert.True(execution.Counts == ExecutionCounts.Zero, $"execution {run} counted {execution.Counts}");
            Assert.Equal(TargetWrites.None, await harness.TakeWriteLogAsync());
            Assert.Empty(harness.ReadLog(execution.Id, "records"));
        }
    }
}
