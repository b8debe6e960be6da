using System.Text.Json.Nodes;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Overrides replace a model value when their condition holds, and override fields write a constant.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class OverrideTests(PostgresFixture postgres)
{
    private const string Select = "SELECT id, name, amount, origin FROM people ORDER BY id";

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Overrides_and_constants_written(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint, origin text)");
        await harness.InstallWriteLogAsync("people");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', NULL), (3, 'Edsger', 30)");
        var model = await People.CreateModelAsync(harness);
        var configuration = People.Configuration(harness, model, SyncMode.UpdateOrCreate) with
        {
            Overrides =
            [
                new SyncOverride
                {
                    Field = EngineHarness.Field(model, "name"), Function = "Equality", Value = "Ada", Override = "Ada Lovelace",
                },
                new SyncOverride { Field = EngineHarness.Field(model, "amount"), Function = "IsNull", Override = 0 },
            ],
            OverrideFields = [new SyncField { Target = "origin", OverrideValue = "outflow" }],
        };
        var sync = await harness.CreateSyncAsync(configuration);

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 3, Insert: 3, Upserts: 3), first.Counts);
        Assert.Equal(
            ["1|Ada Lovelace|10|outflow", "2|Grace|0|outflow", "3|Edsger|30|outflow"],
            await harness.QueryTargetRowsAsync(Select));
        await People.AssertCountsMatchTargetAsync(harness, first);

        // The condition no longer holds for the renamed row, so the model's value is written.
        await harness.ExecuteSourceAsync("UPDATE people SET name = 'Ada L.' WHERE id = 1");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 1, Update: 1, Upserts: 1), second.Counts);
        Assert.Equal(
            ["1|Ada L.|10|outflow", "2|Grace|0|outflow", "3|Edsger|30|outflow"],
            await harness.QueryTargetRowsAsync(Select));
        await People.AssertCountsMatchTargetAsync(harness, second);

        var unchanged = await harness.RunAsync(sync);

        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
    }
}
