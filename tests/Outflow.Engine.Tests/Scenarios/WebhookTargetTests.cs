using System.Globalization;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Tests.Running;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Scenarios;

/// <summary>
/// A sync to a webhook receiver that returns 429, 503 and resets the connection before it accepts, and rejects some
/// records: every other record arrives, and only the rejected ones are errors and sent again.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class WebhookTargetTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Rejected_records_retried_alone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite);
        await harness.ExecuteSourceAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text, amount bigint)");
        await harness.ExecuteSourceAsync("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
            INSERT INTO people SELECT i, 'person ' || i, i FROM n
            """);
        var model = await People.CreateModelAsync(harness);
        var webhookId = await harness.CreateWebhookConnectionAsync(receiver.Url, batchSize: 5);
        var configuration = harness.NewSyncConfiguration(model, SyncMode.UpdateOrCreate, "people", "id", People.Fields) with
        {
            Target = new SyncTarget { ConnectionId = webhookId, Object = "people" },
        };
        var sync = await harness.CreateSyncAsync(configuration);
        receiver.Script.Enqueue(new ReceiverStep(429, RetryAfter: "1"));
        receiver.Script.Enqueue(new ReceiverStep(503));
        receiver.Script.Enqueue(ReceiverStep.ResetConnection);
        receiver.RejectedIdentities["7"] = "name is reserved";
        receiver.RejectedIdentities["13"] = "amount is too high";

        var first = await harness.RunAsync(sync);

        People.AssertCompleted(first);
        Assert.Equal(20, first.Counts.Total);
        Assert.Equal(2, first.Counts.Error);
        var errors = harness.ReadLog(first.Id, "errors");
        Assert.Equal(["13", "7"], errors.Select(e => (string?)e["identity"]).Order(StringComparer.Ordinal));
        Assert.Contains("name is reserved", errors.Select(e => (string?)e["message"]).Single(m => m!.Contains("reserved", StringComparison.Ordinal)), StringComparison.Ordinal);
        var accepted = receiver.Requests.Where(r => r.Step is null).SelectMany(r => r.Identities).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i.ToString(CultureInfo.InvariantCulture)), accepted.Order(StringComparer.Ordinal).OrderBy(int.Parse));
        var waited = TimeProvider.System.GetElapsedTime(receiver.Requests[0].RespondedAt, receiver.Requests[1].ReceivedAt);
        Assert.True(waited >= TimeSpan.FromSeconds(1), $"the retry came {waited.TotalMilliseconds} ms after the 429");

        // The connector's own retries appear in the console log like the engine's batch retries.
        var entries = await harness.ConsoleLog.ListAsync(first.Id, new ConsoleLogCursor(0, 0), 50, CancellationToken.None);
        var retries = entries.Where(e => e.Message.Contains("failed transiently", StringComparison.Ordinal)).ToList();
        Assert.Equal([1, 2, 3], retries.Select(e => e.Payload!["attempt"]!.GetValue<int>()));
        Assert.All(retries, e => Assert.Equal(ConsoleLogLevels.Warn, e.Level));
        Assert.All(retries, e => Assert.Equal(5, e.Payload!["records"]!.GetValue<int>()));
        Assert.Contains("retrying in 1 s", retries[0].Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 429", retries[0].Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", retries[1].Message, StringComparison.Ordinal);

        // The source did not change, so the next execution sends only the two rejected records.
        var sentBefore = receiver.Requests.Count;
        var second = await harness.RunAsync(sync);

        People.AssertCompleted(second);
        Assert.Equal(2, second.Counts.Total);
        Assert.Equal(2, second.Counts.Error);
        var resent = receiver.Requests.Skip(sentBefore).SelectMany(r => r.Identities).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["13", "7"], resent);

        receiver.RejectedIdentities.Clear();
        var third = await harness.RunAsync(sync);

        People.AssertCompleted(third);
        Assert.Equal(2, third.Counts.Total);
        Assert.Equal(0, third.Counts.Error);
    }
}
