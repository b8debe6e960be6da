using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>Schedules on Create and Update Sync: accepted frequencies and 422s that name the bad part.</summary>
public sealed class ScheduleValidationTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Theory]
    [InlineData("""{"frequency":"hourly","minute":"60"}""", "invalid_schedule", "schedule.minute", "60")]
    [InlineData("""{"frequency":"hourly","minute":"-1"}""", "invalid_schedule", "schedule.minute", "-1")]
    [InlineData("""{"frequency":"hourly","minute":"*/5"}""", "invalid_schedule", "schedule.minute", "*/5")]
    [InlineData("""{"frequency":"hourly"}""", "invalid_schedule", "schedule.minute", null)]
    [InlineData("""{"frequency":"daily","hour":"24","minute":"0"}""", "invalid_schedule", "schedule.hour", "24")]
    [InlineData("""{"frequency":"daily","hour":"9","minute":"ten"}""", "invalid_schedule", "schedule.minute", "ten")]
    [InlineData("""{"frequency":"weekly","day_of_week":"funday","hour":"9","minute":"0"}""", "invalid_schedule", "schedule.day_of_week", "funday")]
    [InlineData("""{"frequency":"weekly","hour":"9","minute":"0"}""", "invalid_schedule", "schedule.day_of_week", null)]
    [InlineData("""{"frequency":"custom","minute":"61"}""", "invalid_schedule", "schedule.minute", "61")]
    [InlineData("""{"frequency":"custom","hour":"0-24"}""", "invalid_schedule", "schedule.hour", "0-24")]
    [InlineData("""{"frequency":"custom","minute":"5-1"}""", "invalid_schedule", "schedule.minute", "5-1")]
    [InlineData("""{"frequency":"builder","hour":"1,22-3/2"}""", "invalid_schedule", "schedule.hour", "1,22-3/2")]
    [InlineData("""{"frequency":"custom","day_of_month":"32"}""", "invalid_schedule", "schedule.day_of_month", "32")]
    [InlineData("""{"frequency":"builder","month":"13"}""", "invalid_schedule", "schedule.month", "13")]
    [InlineData("""{"frequency":"builder","day_of_week":"8"}""", "invalid_schedule", "schedule.day_of_week", "8")]
    [InlineData("""{"frequency":"custom","minute":"1 2"}""", "invalid_schedule", "schedule.minute", "1 2")]
    [InlineData("""{"frequency":"custom","day_of_month":"31","month":"2"}""", "invalid_schedule", "schedule.day_of_month", "31")]
    [InlineData("""{"frequency":"multi"}""", "invalid_schedule", "schedule.schedules", null)]
    [InlineData("""{"frequency":"multi","schedules":[{"frequency":"hourly","minute":"0"},{"frequency":"daily","hour":"99","minute":"0"}]}""", "invalid_schedule", "schedule.schedules[1].hour", "99")]
    [InlineData("""{"frequency":"multi","schedules":[{"frequency":"continuous"}]}""", "invalid_schedule", "schedule.schedules[0].frequency", "continuous")]
    [InlineData("""{"frequency":"multi","schedules":[{"frequency":"dbtcloud"}]}""", "unsupported_schedule", "schedule.schedules[0].frequency", "dbtcloud")]
    [InlineData("""{"frequency":"runafter"}""", "invalid_schedule", "schedule.run_after.sync_ids", null)]
    [InlineData("""{"frequency":"runafter","run_after":{"sync_ids":[]}}""", "invalid_schedule", "schedule.run_after.sync_ids", null)]
    [InlineData("""{"frequency":"runafter","run_after":{"sync_ids":[],"bulk_sync_ids":["0b7e7b43-3c4f-4d69-a0f5-3b7e2a1a9c10"]}}""", "unsupported_schedule", "schedule.run_after.bulk_sync_ids", "0b7e7b43-3c4f-4d69-a0f5-3b7e2a1a9c10")]
    [InlineData("""{"frequency":"runafter","run_after":{"sync_ids":["0b7e7b43-3c4f-4d69-a0f5-3b7e2a1a9c10"]}}""", "invalid_schedule", "schedule.run_after.sync_ids[0]", "0b7e7b43-3c4f-4d69-a0f5-3b7e2a1a9c10")]
    [InlineData("""{"frequency":"dbtcloud","job_id":7}""", "unsupported_schedule", "schedule.frequency", "dbtcloud")]
    public async Task Create_invalid_schedule_names_part(string schedule, string key, string field, string? value)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["schedule"] = JsonNode.Parse(schedule);

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.Status);
        Assert.Equal(key, response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.Equal(value, response.Body!["metadata"]?["value"]?.ToString());
        Assert.Contains(field, response.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"frequency":"manual"}""")]
    [InlineData("""{"frequency":"continuous"}""")]
    [InlineData("""{"frequency":"hourly","minute":"5"}""")]
    [InlineData("""{"frequency":"daily","hour":"23","minute":"59"}""")]
    [InlineData("""{"frequency":"weekly","day_of_week":"sunday","hour":"0","minute":"0"}""")]
    [InlineData("""{"frequency":"custom","minute":"*/15","hour":"8-18","day_of_month":null,"month":null,"day_of_week":"1-5"}""")]
    [InlineData("""{"frequency":"builder","minute":"0","hour":"6","day_of_month":"1,15"}""")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"6","day_of_month":"L-2","day_of_week":"?"}""")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"6","day_of_month":"15W"}""")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"6","day_of_week":"5L"}""")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"6","day_of_week":"1#2"}""")]
    [InlineData("""{"frequency":"multi","schedules":[{"frequency":"hourly","minute":"0"},{"frequency":"weekly","day_of_week":"monday","hour":"6","minute":"30"}]}""")]
    public async Task Create_valid_schedule_echoes_it(string schedule)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId, active: false);
        body["schedule"] = JsonNode.Parse(schedule);

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var echoed = response.Data["schedule"]!.AsObject();
        foreach (var (name, expected) in JsonNode.Parse(schedule)!.AsObject())
        {
            Assert.True(JsonNode.DeepEquals(expected, echoed[name]), $"schedule.{name}: sent {expected?.ToJsonString()}, got {echoed[name]?.ToJsonString()}");
        }

        var read = await server.Client.GetAsync($"/api/syncs/{response.Data["id"]!.GetValue<string>()}");
        Assert.True(JsonNode.DeepEquals(echoed, read.Data["schedule"]), read.Text);
    }

    [Fact]
    public async Task RunAfter_other_sync_is_accepted()
    {
        var upstream = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(upstream.ModelId, upstream.TargetConnectionId);
        body["schedule"] = RunAfter(upstream.SyncId);

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(upstream.SyncId, response.Data["schedule"]!["run_after"]!["sync_ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task RunAfter_itself_returns_422()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["schedule"] = RunAfter(setup.SyncId);

        var response = await server.Client.PutAsync($"/api/syncs/{setup.SyncId}", body);

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.Status);
        Assert.Equal("invalid_schedule", response.ErrorKey);
        Assert.Equal("schedule.run_after.sync_ids[0]", response.ErrorField);
    }

    [Fact]
    public async Task RunAfter_loop_returns_422()
    {
        var first = await TestObjects.CreateSyncAsync(server, server.Client);
        var second = TestObjects.SyncBody(first.ModelId, first.TargetConnectionId);
        second["schedule"] = RunAfter(first.SyncId);
        var secondId = (await server.Client.PostAsync("/api/syncs", second)).Data["id"]!.GetValue<string>();
        var third = TestObjects.SyncBody(first.ModelId, first.TargetConnectionId);
        third["schedule"] = RunAfter(secondId);
        var thirdId = (await server.Client.PostAsync("/api/syncs", third)).Data["id"]!.GetValue<string>();

        var body = TestObjects.SyncBody(first.ModelId, first.TargetConnectionId);
        body["schedule"] = new JsonObject
        {
            ["frequency"] = "multi",
            ["schedules"] = new JsonArray(new JsonObject { ["frequency"] = "hourly", ["minute"] = "0" }, RunAfter(thirdId)),
        };
        var response = await server.Client.PutAsync($"/api/syncs/{first.SyncId}", body);

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.Status);
        Assert.Equal("invalid_schedule", response.ErrorKey);
        Assert.Equal("schedule.schedules[1].run_after.sync_ids[0]", response.ErrorField);
        Assert.Equal(thirdId, response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Contains(secondId, response.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"sync {thirdId} runs", response.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAfter_deleted_upstream_only_on_update()
    {
        var upstream = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(upstream.ModelId, upstream.TargetConnectionId);
        body["schedule"] = RunAfter(upstream.SyncId);
        var created = await server.Client.PostAsync("/api/syncs", body);
        var downstreamId = created.Data["id"]!.GetValue<string>();
        var other = TestObjects.SyncBody(upstream.ModelId, upstream.TargetConnectionId);
        other["schedule"] = new JsonObject { ["frequency"] = "manual" };
        var otherId = (await server.Client.PostAsync("/api/syncs", other)).Data["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.DeleteAsync($"/api/syncs/{upstream.SyncId}")).Status);

        var kept = await server.Client.PutAsync($"/api/syncs/{downstreamId}", body);
        other["schedule"] = RunAfter(upstream.SyncId);
        var added = await server.Client.PutAsync($"/api/syncs/{otherId}", other);

        Assert.Equal(HttpStatusCode.OK, kept.Status);
        Assert.Equal(HttpStatusCode.UnprocessableContent, added.Status);
        Assert.Equal("schedule.run_after.sync_ids[0]", added.ErrorField);
    }

    [Fact]
    public async Task RunAfter_other_organization_returns_422()
    {
        var (_, otherClient) = await server.CreateOrganizationAsync();
        var other = await TestObjects.CreateSyncAsync(server, otherClient);
        var setup = await TestObjects.CreateSyncAsync(server, server.Client);
        var body = TestObjects.SyncBody(setup.ModelId, setup.TargetConnectionId);
        body["schedule"] = RunAfter(other.SyncId);

        var response = await server.Client.PutAsync($"/api/syncs/{setup.SyncId}", body);

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.Status);
        Assert.Equal("invalid_schedule", response.ErrorKey);
        Assert.Equal("schedule.run_after.sync_ids[0]", response.ErrorField);
    }

    internal static JsonObject RunAfter(params string[] syncIds) => new()
    {
        ["frequency"] = "runafter",
        ["run_after"] = new JsonObject { ["sync_ids"] = new JsonArray(syncIds.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray()) },
    };
}
