using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>The record logs name one record the same way whichever operation touched it.</summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class RecordLogTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(TargetKind.PostgreSql)]
    [InlineData(TargetKind.Sqlite)]
    public async Task Deleted_record_identity_logged_as_inserted(TargetKind target)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);
        await People.CreateTablesAsync(harness);
        await harness.ExecuteSourceAsync("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
        var model = await People.CreateModelAsync(harness);
        var sync = await harness.CreateSyncAsync(People.Configuration(harness, model, SyncMode.Replace));
        var first = await harness.RunAsync(sync);
        await harness.ExecuteSourceAsync("DELETE FROM people WHERE id = 2");
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        People.AssertCompleted(second);
        var inserted = harness.ReadLog(first.Id, "inserts").Single(line => line["identity"]?.ToString() == "2");
        var deleted = Assert.Single(harness.ReadLog(second.Id, "deletes"));

        // Every log names a record by its identity text, so one record looks the same in each of them.
        Assert.Equal("\"2\"", inserted["identity"]!.ToJsonString());
        Assert.Equal(inserted["identity"]!.ToJsonString(), deleted["identity"]?.ToJsonString());
        Assert.Equal(2L, (long?)inserted["fields"]!["id"]);
        Assert.Equal("delete", (string?)deleted["operation"]);
    }
}
