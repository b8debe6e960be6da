using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>A field with sync_mode create is written when the record is created, and later only while the target value is null.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class FieldSyncModeTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Create_only_field_written_when_null(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteTargetAsync("INSERT INTO people VALUES (1, NULL, 0), (2, 'kept', 0)");
        await harness.TakeWriteLogAsync();
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var model = await People.CreateModelAsync(harness);
        var configuration = People.Configuration(harness, model, SyncMode.UpdateOrCreate);
        configuration = configuration with
        {
            Fields = configuration.Fields!
                .Select(field => field.Target == "name" ? field with { SyncMode = "create" } : field)
                .ToList(),
        };
        var sync = await harness.CreateSyncAsync(configuration);

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 1, Update: 2, Upserts: 3), first.Counts);
        Assert.Equal(["1|Ada|10", "2|kept|20", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, first);

        await harness.ExecuteSourceAsync(
            "UPDATE people SET name = 'Ada L.', amount = 11 WHERE id = 1; UPDATE people SET name = 'E. W.', amount = 31 WHERE id = 3");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 2, Update: 2, Upserts: 2), second.Counts);
        Assert.Equal(["1|Ada|11", "2|kept|20", "3|Edsger|31"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, second);

        // Someone empties the field in the target: the next change of the row fills it again.
        await harness.ExecuteTargetAsync("UPDATE people SET name = NULL WHERE id = 3");
        await harness.TakeWriteLogAsync();
        await harness.ExecuteSourceAsync("UPDATE people SET amount = 32 WHERE id = 3");
        var third = await harness.RunAsync(sync);

        People.AssertCompleted(third);
        Assert.Equal(new ExecutionCounts(Total: 1, Update: 1, Upserts: 1), third.Counts);
        Assert.Equal(["1|Ada|11", "2|kept|20", "3|E. W.|32"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
    }
}
