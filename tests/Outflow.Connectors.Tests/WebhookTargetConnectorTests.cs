using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Outflow.Connectors.Webhook;
using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

public sealed class WebhookTargetConnectorTests : IAsyncLifetime
{
    private static readonly ConnectorEnvironment AllowedEnvironment = new(Path.GetTempPath()) { AllowPrivateNetworks = true };

    private static readonly WebhookRetryPolicy FastPolicy = new()
    {
        MaxAttempts = 6,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task RetryableFailuresDeliverEveryRecord()
    {
        _receiver.Script.Enqueue(new ReceiverStep(429, RetryAfter: "1"));
        _receiver.Script.Enqueue(new ReceiverStep(503));
        _receiver.Script.Enqueue(ReceiverStep.ResetConnection);
        _receiver.RejectedIdentities["2"] = "email is invalid";
        _receiver.RejectedIdentities["9"] = "account is closed";
        var executionId = Guid.NewGuid();

        await using var target = CreateTarget(batchSize: 4);
        var results = await target.WriteAsync(CreateBatch(executionId, 10), CancellationToken.None);

        var failed = Enumerable.Range(0, results.Count).Where(i => results[i].Outcome == RecordOutcome.Failed).Select(i => i + 1).ToList();
        Assert.Equal([2, 9], failed);
        Assert.Contains("email is invalid", results[1].Message, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Outcome != RecordOutcome.Failed), r => Assert.Equal(RecordOutcome.Updated, r.Outcome));

        var requests = _receiver.Requests;
        var delivered = requests.Where(r => r.Step is null).SelectMany(r => r.Identities).ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), delivered);
        Assert.Equal(6, requests.Count);

        // The 429 set Retry-After: 1, so the next request may not arrive within the second after it.
        var waited = TimeProvider.System.GetElapsedTime(requests[0].RespondedAt, requests[1].ReceivedAt);
        Assert.True(waited >= TimeSpan.FromSeconds(1), $"the retry came {waited.TotalMilliseconds} ms after the 429");

        // The first batch was sent four times with one key; the other batches got their own keys.
        Assert.All(requests.Take(4), r => Assert.Equal(requests[0].IdempotencyKey, r.IdempotencyKey));
        Assert.Equal(3, requests.Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.All(requests, r => Assert.Equal(executionId.ToString(), r.Body["execution_id"]!.GetValue<string>()));
        Assert.All(requests, r => Assert.Equal("contacts", r.Body["object"]!.GetValue<string>()));
        Assert.Equal([1, 1, 1, 1, 2, 3], requests.Select(r => r.Body["batch"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ResultsMatchIdentityOfOtherJsonType()
    {
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = "2", ["error"] = "sent as a string" });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = JsonNode.Parse("3.0"), ["error"] = "sent as 3.0" });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 5, ["error"] = "sent as a number" });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = "99", ["error"] = "no such record" });
        var batch = new WriteBatch(
            "contacts",
            "id",
            ["id"],
            [
                new TargetRecord(RecordOperation.Upsert, 1L, [1L]),
                new TargetRecord(RecordOperation.Upsert, 2L, [2L]),
                new TargetRecord(RecordOperation.Upsert, 3L, [3L]),
                new TargetRecord(RecordOperation.Upsert, "4", ["4"]),
                new TargetRecord(RecordOperation.Upsert, "5", ["5"]),
            ]);

        await using var target = CreateTarget(batchSize: 10);
        var results = await target.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(RecordOutcome.Updated, results[0].Outcome);
        Assert.Equal(RecordOutcome.Failed, results[1].Outcome);
        Assert.Contains("sent as a string", results[1].Message, StringComparison.Ordinal);
        Assert.Equal(RecordOutcome.Failed, results[2].Outcome);
        Assert.Contains("sent as 3.0", results[2].Message, StringComparison.Ordinal);
        Assert.Equal(RecordOutcome.Updated, results[3].Outcome);
        Assert.Equal(RecordOutcome.Failed, results[4].Outcome);
        Assert.Contains("sent as a number", results[4].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResultErrorOfAnyJsonTypeRejects()
    {
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 1, ["error"] = 404 });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 2, ["error"] = new JsonObject { ["code"] = "closed" } });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 3, ["error"] = true });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 4, ["error"] = null });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 5, ["error"] = false });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 6, ["error"] = " " });
        _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 7 });

        await using var target = CreateTarget(batchSize: 10);
        var results = await target.WriteAsync(CreateBatch(Guid.NewGuid(), 8), CancellationToken.None);

        Assert.Equal(RecordOutcome.Failed, results[0].Outcome);
        Assert.EndsWith(": 404", results[0].Message, StringComparison.Ordinal);
        Assert.Equal(RecordOutcome.Failed, results[1].Outcome);
        Assert.EndsWith(""": {"code":"closed"}""", results[1].Message, StringComparison.Ordinal);
        Assert.Equal(RecordOutcome.Failed, results[2].Outcome);
        Assert.EndsWith(": true", results[2].Message, StringComparison.Ordinal);
        Assert.All(results.Skip(3), r => Assert.Equal(RecordOutcome.Updated, r.Outcome));
    }

    [Fact]
    public async Task RetriesAreReported()
    {
        _receiver.Script.Enqueue(new ReceiverStep(429, RetryAfter: "1"));
        _receiver.Script.Enqueue(new ReceiverStep(503));
        var retries = new List<TargetRetry>();
        var batch = CreateBatch(Guid.NewGuid(), 3) with
        {
            RetryReporter = (retry, _) =>
            {
                retries.Add(retry);
                return Task.CompletedTask;
            },
        };

        await using var target = CreateTarget(batchSize: 10);
        var results = await target.WriteAsync(batch, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(RecordOutcome.Updated, r.Outcome));
        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
        Assert.All(retries, r => Assert.Equal(6, r.MaxAttempts));
        Assert.All(retries, r => Assert.Equal(3, r.Records));
        Assert.Equal(TimeSpan.FromSeconds(1), retries[0].Delay);
        Assert.Contains("HTTP 429", retries[0].Reason, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", retries[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryAfterDateIsHonoured()
    {
        var notBefore = TimeProvider.System.GetUtcNow().AddSeconds(2);
        _receiver.Script.Enqueue(new ReceiverStep(503, RetryAfter: notBefore.ToString("R", CultureInfo.InvariantCulture)));

        await using var target = CreateTarget(batchSize: 10);
        var results = await target.WriteAsync(CreateBatch(Guid.NewGuid(), 3), CancellationToken.None);

        Assert.All(results, r => Assert.Equal(RecordOutcome.Updated, r.Outcome));
        Assert.Equal(2, _receiver.Requests.Count);

        // The date has whole seconds, so the retry may not come before the second it names.
        var truncated = notBefore.AddTicks(-(notBefore.Ticks % TimeSpan.TicksPerSecond));
        var elapsed = TimeProvider.System.GetElapsedTime(_receiver.Requests[0].RespondedAt, _receiver.Requests[1].ReceivedAt);
        var earliest = truncated - TimeProvider.System.GetUtcNow() + TimeProvider.System.GetElapsedTime(_receiver.Requests[0].RespondedAt);
        Assert.True(elapsed >= earliest - TimeSpan.FromMilliseconds(50), $"the retry came {elapsed.TotalMilliseconds} ms after the 503, expected at least {earliest.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ClientErrorFailsBatchWithoutRetry()
    {
        _receiver.Script.Enqueue(new ReceiverStep(400));

        await using var target = CreateTarget(batchSize: 10);
        var results = await target.WriteAsync(CreateBatch(Guid.NewGuid(), 3), CancellationToken.None);

        Assert.All(results, r => Assert.Equal(RecordOutcome.Failed, r.Outcome));
        Assert.Contains("HTTP 400", results[0].Message, StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task ExhaustedAttemptsFailBatch()
    {
        for (var i = 0; i < 6; i++)
        {
            _receiver.Script.Enqueue(new ReceiverStep(503));
        }

        await using var target = CreateTarget(batchSize: 10);
        var results = await target.WriteAsync(CreateBatch(Guid.NewGuid(), 2), CancellationToken.None);

        Assert.All(results, r => Assert.Equal(RecordOutcome.Failed, r.Outcome));
        Assert.Contains("after 6 attempts", results[0].Message, StringComparison.Ordinal);
        Assert.Equal(6, _receiver.Requests.Count);
    }

    [Fact]
    public async Task ConfiguredHeadersAreSent()
    {
        await using var target = CreateTarget(batchSize: 10, headers: new JsonObject { ["Authorization"] = "Bearer secret-token" });
        await target.WriteAsync(CreateBatch(Guid.NewGuid(), 1), CancellationToken.None);

        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("Bearer secret-token", request.Headers["Authorization"]);
        Assert.Equal(64, request.IdempotencyKey.Length);
        var record = request.Body["records"]![0]!;
        Assert.Equal("update", record["operation"]!.GetValue<string>());
        Assert.Equal(1, record["identity"]!.GetValue<long>());
        Assert.Equal("user1@example.com", record["fields"]!["email"]!.GetValue<string>());

        // The identity's target field stays among the fields, as the request example in docs/API.md shows.
        Assert.Equal(1, record["fields"]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task DeleteRecordSendsEmptyFields()
    {
        await using var target = CreateTarget(batchSize: 10);
        var batch = new WriteBatch(
            "contacts",
            "id",
            ["id", "email"],
            [
                new TargetRecord(RecordOperation.Delete, 7L, [7L, "gone@example.com"]),
                new TargetRecord(RecordOperation.Upsert, 8L, [8L, "kept@example.com"]),
            ])
        {
            ExecutionId = Guid.NewGuid(),
        };

        var results = await target.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(RecordOutcome.Deleted, results[0].Outcome);
        var records = Assert.Single(_receiver.Requests).Body["records"]!.AsArray();
        Assert.Equal("delete", records[0]!["operation"]!.GetValue<string>());
        Assert.Equal(7, records[0]!["identity"]!.GetValue<long>());
        Assert.Empty(records[0]!["fields"]!.AsObject());
        Assert.Equal("kept@example.com", records[1]!["fields"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task OversizedSuccessBodyConfirmsBatch()
    {
        // The receiver rejects record 1, but its response is over the limit, so the results are not read.
        _receiver.RejectedIdentities["1"] = "email is invalid";
        for (var i = 0; i < 50; i++)
        {
            _receiver.ExtraResults.Enqueue(new JsonObject { ["identity"] = 1000 + i, ["error"] = new string('x', 40) });
        }

        var settings = new WebhookSettings(_receiver.Url, new Dictionary<string, string>(), 10, null);
        using var handler = WebhookHttp.CreateHandler(allowPrivateNetworks: true);
        await using var target = new WebhookTargetConnector(
            settings, handler, new WebhookRateLimiters(TimeProvider.System), FastPolicy, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
        {
            MaxResponseBytes = 1024,
        };

        var results = await target.WriteAsync(CreateBatch(Guid.NewGuid(), 2), CancellationToken.None);

        Assert.All(results, r => Assert.Equal(RecordOutcome.Updated, r.Outcome));
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task RateIsSharedAcrossConnections()
    {
        // Two connections to one URL at 5 requests per second share one schedule: on a clock that moves only when the
        // test advances it, one more of the 4 requests may start per 0.2 s.
        var clock = new FakeTimeProvider();
        using var factory = new WebhookConnectorFactory(null, clock, FastPolicy);
        var configuration = new JsonObject { ["url"] = _receiver.Url.ToString(), ["batch_size"] = 1, ["max_requests_per_second"] = 5 };
        await using var first = factory.CreateTarget(configuration.DeepClone().AsObject(), AllowedEnvironment);
        await using var second = factory.CreateTarget(configuration.DeepClone().AsObject(), AllowedEnvironment);

        var writes = Task.WhenAll(
            first.WriteAsync(CreateBatch(Guid.NewGuid(), 2), CancellationToken.None),
            second.WriteAsync(CreateBatch(Guid.NewGuid(), 2), CancellationToken.None));
        for (var expected = 1; expected <= 4; expected++)
        {
            await WaitForRequestsAsync(expected);

            // Nothing more arrives until the clock moves on, however long the test waits in real time.
            await Task.Delay(300);
            Assert.Equal(expected, _receiver.Requests.Count);
            clock.Advance(TimeSpan.FromMilliseconds(200));
        }

        await writes.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(4, _receiver.Requests.Count);
    }

    private async Task WaitForRequestsAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (_receiver.Requests.Count < count)
        {
            await Task.Delay(20, guard.Token);
        }
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public async Task GuardRejectsPrivateAddressBeforeConnecting(string host)
    {
        var exception = await Assert.ThrowsAsync<BlockedAddressException>(
            () => NetworkGuard.ConnectAsync(new DnsEndPoint(host, 80), allowPrivateNetworks: false, CancellationToken.None).AsTask());
        Assert.Contains("ALLOW_PRIVATE_NETWORKS", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuardFailsRecordsOfBlockedWebhook()
    {
        // A host name is checked only when the connection opens, unlike a literal address.
        using var factory = new WebhookConnectorFactory(null, null, FastPolicy);
        var configuration = new JsonObject { ["url"] = $"http://localhost:{_receiver.Url.Port}/hook" };
        var environment = new ConnectorEnvironment(Path.GetTempPath());
        var problems = factory.Validate(configuration, environment);
        Assert.Contains(problems, p => p.Field == "configuration.url");

        var settings = new WebhookSettings(new Uri($"http://localhost:{_receiver.Url.Port}/hook"), new Dictionary<string, string>(), 10, null);
        using var handler = WebhookHttp.CreateHandler(allowPrivateNetworks: false);
        await using var target = new WebhookTargetConnector(
            settings, handler, new WebhookRateLimiters(TimeProvider.System), FastPolicy, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var results = await target.WriteAsync(CreateBatch(Guid.NewGuid(), 2), CancellationToken.None);

        Assert.All(results, r => Assert.Equal(RecordOutcome.Failed, r.Outcome));
        Assert.Contains("loopback", results[0].Message, StringComparison.Ordinal);
        Assert.Empty(_receiver.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://10.0.0.7/hook")]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    public void ValidateRejectsPrivateLiteralAddress(string url)
    {
        using var factory = new WebhookConnectorFactory();
        var problems = factory.Validate(new JsonObject { ["url"] = url }, new ConnectorEnvironment(Path.GetTempPath()));

        var problem = Assert.Single(problems);
        Assert.Equal("configuration.url", problem.Field);
        Assert.Equal(url, problem.Value);
    }

    [Theory]
    [InlineData("url", "ftp://example.com/x", "configuration.url")]
    [InlineData("url", "https://user:pw@example.com/x", "configuration.url")]
    [InlineData("batch_size", 0, "configuration.batch_size")]
    [InlineData("batch_size", 10_001, "configuration.batch_size")]
    [InlineData("batch_size", "ten", "configuration.batch_size")]
    [InlineData("max_requests_per_second", 0, "configuration.max_requests_per_second")]
    [InlineData("max_requests_per_second", -1.5, "configuration.max_requests_per_second")]
    [InlineData("max_requests_per_second", 0.0001, "configuration.max_requests_per_second")]
    public void ValidateNamesInvalidField(string key, object value, string field)
    {
        using var factory = new WebhookConnectorFactory();
        var configuration = new JsonObject { ["url"] = "https://example.com/hook" };
        configuration[key] = JsonValue.Create(value);

        var problems = factory.Validate(configuration, new ConnectorEnvironment(Path.GetTempPath()));

        var problem = Assert.Single(problems);
        Assert.Equal(field, problem.Field);
    }

    [Fact]
    public void ValidateFillsDefaultBatchSize()
    {
        using var factory = new WebhookConnectorFactory();
        var configuration = new JsonObject { ["url"] = "https://example.com/hook" };

        Assert.Empty(factory.Validate(configuration, new ConnectorEnvironment(Path.GetTempPath())));
        Assert.Equal(500, configuration["batch_size"]!.GetValue<int>());
    }

    [Fact]
    public void ValidateRejectsReservedHeader()
    {
        using var factory = new WebhookConnectorFactory();
        var configuration = new JsonObject
        {
            ["url"] = "https://example.com/hook",
            ["headers"] = new JsonObject { ["Idempotency-Key"] = "x" },
        };

        var problem = Assert.Single(factory.Validate(configuration, new ConnectorEnvironment(Path.GetTempPath())));
        Assert.Equal("configuration.headers.Idempotency-Key", problem.Field);
    }

    private ITargetConnector CreateTarget(int batchSize, JsonObject? headers = null)
    {
        var factory = new WebhookConnectorFactory(null, null, FastPolicy);
        var configuration = new JsonObject { ["url"] = _receiver.Url.ToString(), ["batch_size"] = batchSize };
        if (headers is not null)
        {
            configuration["headers"] = headers;
        }

        return factory.CreateTarget(configuration, AllowedEnvironment);
    }

    private static WriteBatch CreateBatch(Guid executionId, int count) =>
        new(
            "contacts",
            "id",
            ["id", "email"],
            Enumerable.Range(1, count)
                .Select(i => new TargetRecord(RecordOperation.Upsert, (long)i, [(long)i, $"user{i}@example.com"]))
                .ToList())
        {
            ExecutionId = executionId,
        };
}
