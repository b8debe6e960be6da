using System.Text.Json.Nodes;
using Outflow.Connectors.Webhook;
using Outflow.Core.Connectors;
using Outflow.Testing;

namespace Outflow.Connectors.Tests;

/// <summary>Holds the "Engine values to webhook JSON" table of docs/TYPE-MAPPING.md against a real receiver.</summary>
public sealed class WebhookTypeMappingTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public static TheoryData<string, object?, string> Values => new()
    {
        { "long", long.MinValue, "-9223372036854775808" },
        { "decimal", 12345678901234567890.123456789m, "12345678901234567890.123456789" },
        { "double", 0.1, "0.1" },
        { "double_infinity", double.PositiveInfinity, "\"Infinity\"" },
        { "double_nan", double.NaN, "\"NaN\"" },
        { "bool", true, "true" },
        { "string", "naïve 😀 \"quoted\"", "\"naïve 😀 \\\"quoted\\\"\"" },
        { "empty_string", "", "\"\"" },
        { "instant", new DateTimeOffset(2024, 2, 29, 23, 59, 58, 123, TimeSpan.Zero), "\"2024-02-29T23:59:58.123+00:00\"" },
        { "timestamp", new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Unspecified), "\"2024-02-29T12:00:00\"" },
        { "date", new DateOnly(1, 1, 1), "\"0001-01-01\"" },
        { "time", new TimeOnly(23, 59, 59, 999), "\"23:59:59.999\"" },
        { "bytes", new byte[] { 0, 255, 16 }, "\"AP8Q\"" },
        { "null", null, "null" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task ValueBecomesJson(string field, object? value, string expectedJson)
    {
        using var factory = new WebhookConnectorFactory();
        await using var target = factory.CreateTarget(
            new JsonObject { ["url"] = _receiver.Url.ToString() },
            new ConnectorEnvironment(Path.GetTempPath()) { AllowPrivateNetworks = true });

        var batch = new WriteBatch("values", "id", ["id", field], [new TargetRecord(RecordOperation.Insert, 1L, [1L, value])]);
        var results = await target.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(RecordOutcome.Inserted, Assert.Single(results).Outcome);
        var record = Assert.Single(_receiver.Requests).Body["records"]![0]!;
        var fields = record["fields"]!.AsObject();
        Assert.True(fields.ContainsKey(field), $"field {field} is missing");
        var expected = JsonNode.Parse(expectedJson);
        Assert.True(
            JsonNode.DeepEquals(expected, fields[field]),
            $"field {field} arrived as {fields[field]?.ToJsonString() ?? "null"}, expected {expectedJson}");
    }
}
