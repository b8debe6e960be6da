using System.Text.Json.Nodes;
using Outflow.Core.Executions;
using Outflow.Core.Models;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>Rows excluded by the sync's filters are not written, and replace deletes a record whose row becomes excluded.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class FilterTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Filter_logic_excluded_rows_deleted_by_replace(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30), (4, 'Barbara', 5)");
        var model = await People.CreateModelAsync(harness);

        // Written: a big amount from anyone whose name does not start with G, and Ada whatever her amount.
        var configuration = People.Configuration(harness, model, SyncMode.Replace) with
        {
            Filters =
            [
                Filter(model, "a", "GreaterThan", "amount", JsonValue.Create(15)),
                Filter(model, "b", "StringStartsWith", "name", JsonValue.Create("G")),
                Filter(model, "c", "Equality", "name", JsonValue.Create("Ada")),
            ],
            FilterLogic = "(a AND NOT b) OR c",
        };
        var sync = await harness.CreateSyncAsync(configuration);

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), first.Counts);
        Assert.Equal(["1|Ada|10", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, first);

        // Edsger's amount drops below the filter, so replace deletes his record. Grace's new name lets her row in.
        await harness.ExecuteSourceAsync("UPDATE people SET amount = 12 WHERE id = 3; UPDATE people SET name = 'Hopper' WHERE id = 2");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 1, Upserts: 1, Delete: 1), second.Counts);
        Assert.Equal(["1|Ada|10", "2|Hopper|20"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, second);

        var unchanged = await harness.RunAsync(sync);

        Assert.Equal(ExecutionCounts.Zero, unchanged.Counts);
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Filters_without_logic_all_must_match(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync(
            "INSERT INTO people VALUES (1, 'Ada', 10), (2, NULL, 20), (3, 'Edsger', 30), (4, 'Barbara', 25), (5, 'Alan', 9)");
        var model = await People.CreateModelAsync(harness);
        var configuration = People.Configuration(harness, model, SyncMode.UpdateOrCreate) with
        {
            Filters =
            [
                Filter(model, null, "Between", "amount", new JsonArray(10, 25)),
                Filter(model, null, "IsNotNull", "name", null),
                Filter(model, null, "StringNotOneOf", "name", new JsonArray("Barbara", "Grace")),
            ],
        };
        var sync = await harness.CreateSyncAsync(configuration);

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(["1|Ada|10"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), first.Counts);
        await People.AssertCountsMatchTargetAsync(harness, first);

        // Ada's row leaves the filter: updateOrCreate never deletes, so her record stays as it was.
        await harness.ExecuteSourceAsync("UPDATE people SET amount = 100 WHERE id = 1; UPDATE people SET amount = 25 WHERE id = 5");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), second.Counts);
        Assert.Equal(["1|Ada|10", "5|Alan|25"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, second);
    }

    [Theory]
    [InlineData("Equality", "2|Grace|9223372036854775807")]
    [InlineData("GreaterThanEqual", "2|Grace|9223372036854775807")]
    [InlineData("LessThan", "1|Ada|9223372036854775806")]
    public async Task Filter_largest_integer_compared_exactly(string function, string expected)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 9223372036854775806), (2, 'Grace', 9223372036854775807)");
        var model = await People.CreateModelAsync(harness);
        var configuration = People.Configuration(harness, model, SyncMode.UpdateOrCreate) with
        {
            Filters = [Filter(model, null, function, "amount", JsonNode.Parse("9223372036854775807"))],
        };
        var sync = await harness.CreateSyncAsync(configuration);

        var execution = await harness.RunAsync(sync);

        People.AssertCompleted(execution);
        Assert.Equal([expected], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
    }

    private static SyncFilter Filter(Model model, string? label, string function, string field, JsonNode? value) =>
        new() { Label = label, Function = function, Field = EngineHarness.Field(model, field), Value = value };
}
