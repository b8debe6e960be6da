using System.Net;

namespace Outflow.Api.Tests;

public sealed class ScheduleOptionEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task ScheduleOptions_lists_each_defined_frequency_once()
    {
        var response = await server.Client.GetAsync("/api/syncs/schedules");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var options = response.Data["schedule_options"]!.AsArray();
        Assert.Equal(
            ["manual", "continuous", "hourly", "daily", "weekly", "custom", "builder", "runafter", "multi"],
            options.Select(o => o!["frequency"]!.GetValue<string>()).ToList());
        foreach (var option in options)
        {
            Assert.False(string.IsNullOrWhiteSpace(option!["label"]!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(option["description"]!.GetValue<string>()));
            Assert.Equal("object", option["configuration"]!["type"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task ScheduleOptions_configuration_lists_schedule_parts()
    {
        var response = await server.Client.GetAsync("/api/syncs/schedules");

        var options = response.Data["schedule_options"]!.AsArray().ToDictionary(o => o!["frequency"]!.GetValue<string>(), o => o!["configuration"]!);
        Assert.Empty(options["manual"]["properties"]!.AsObject());
        Assert.Equal(["minute"], options["hourly"]["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToList());
        Assert.Equal(["hour", "minute"], options["daily"]["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToList());
        Assert.Equal("string", options["daily"]["properties"]!["hour"]!["type"]!.GetValue<string>());
        Assert.Contains("monday", options["weekly"]["properties"]!["day_of_week"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(
            ["minute", "hour", "day_of_month", "month", "day_of_week"],
            options["custom"]["properties"]!.AsObject().Select(p => p.Key).ToList());
        Assert.NotNull(options["runafter"]["properties"]!["run_after"]!["properties"]!["sync_ids"]);
        Assert.NotNull(options["multi"]["properties"]!["schedules"]);
    }

    [Fact]
    public async Task ScheduleOptions_route_wins_over_get_sync()
    {
        // Get Sync would return 404 for the id "schedules", which is not a UUID.
        var response = await server.Client.GetAsync("/api/syncs/schedules");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotNull(response.Data["schedule_options"]);
        Assert.Null(response.Data["id"]);
    }
}
