using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

[Collection(PostgresFixture.CollectionName)]
public sealed class DuplicateIdentityTests(PostgresFixture postgres)
{
    private const string Query = "SELECT id, name, amount FROM people UNION ALL SELECT id, name, amount FROM extra ORDER BY id, name";

    [Theory]
    [InlineData(TargetKind.PostgreSql, SyncMode.Replace)]
    [InlineData(TargetKind.Sqlite, SyncMode.Replace)]
    [InlineData(TargetKind.PostgreSql, SyncMode.UpdateOrCreate)]
    [InlineData(TargetKind.Sqlite, SyncMode.UpdateOrCreate)]
    public async Task Duplicate_identity_rejected_until_fixed(TargetKind target, SyncMode mode)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("CREATE TABLE extra (id bigint, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        await harness.ExecuteSourceAsync("INSERT INTO extra VALUES (2, 'Grace again', 21)");
        var model = await People.CreateModelAsync(harness, Query);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, mode));

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(new ExecutionCounts(Total: 4, Insert: 2, Upserts: 2, Error: 2), first.Counts);
        Assert.Equal(["1|Ada|10", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, first);
        var errors = harness.ReadLog(first.Id, "errors");
        Assert.Equal(2, errors.Count);
        Assert.All(errors, line => Assert.Equal("duplicate_identity", (string?)line["key"]));
        Assert.Equal(["Grace", "Grace again"], errors.Select(line => (string?)line["fields"]!["name"]).Order(StringComparer.Ordinal));

        // Still duplicated: rejected again, and nothing is written.
        var second = await harness.RunAsync(sync);

        Assert.Equal(new ExecutionCounts(Total: 2, Error: 2), second.Counts);
        await People.AssertCountsMatchTargetAsync(harness, second);

        await harness.ExecuteSourceAsync("DELETE FROM extra");
        var fixedRun = await harness.RunAsync(sync);

        People.AssertCompleted(fixedRun);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), fixedRun.Counts);
        Assert.Equal(["1|Ada|10", "2|Grace|20", "3|Edsger|30"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, fixedRun);
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Duplicate_of_written_record_not_deleted(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("CREATE TABLE extra (id bigint, name text, amount bigint)");
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness, Query);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        People.AssertCompleted(await harness.RunAsync(sync));
        await harness.TakeWriteLogAsync();

        // Record 2 was written before it became a duplicate: neither row wins, and replace must not delete it either.
        await harness.ExecuteSourceAsync("INSERT INTO extra VALUES (2, 'Grace again', 21)");
        var duplicated = await harness.RunAsync(sync);

        People.AssertCompleted(duplicated);
        Assert.Equal(new ExecutionCounts(Total: 2, Error: 2), duplicated.Counts);
        Assert.Equal(["1|Ada|10", "2|Grace|20"], await harness.QueryTargetRowsAsync(People.SelectTargetRows));
        await People.AssertCountsMatchTargetAsync(harness, duplicated);
    }
}
