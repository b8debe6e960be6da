using Outflow.Core;
using Outflow.Core.Syncs;
using Outflow.Core.Syncs.Schedules;

namespace Outflow.Api.Tests;

/// <summary>Next scheduled starts computed from parsed schedules, in UTC.</summary>
public sealed class ScheduleParserTests
{
    // A Wednesday.
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 10, 20, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("""{"frequency":"hourly","minute":"45"}""", "2026-03-04T10:45:00Z")]
    [InlineData("""{"frequency":"hourly","minute":"5"}""", "2026-03-04T11:05:00Z")]
    [InlineData("""{"frequency":"daily","hour":"9","minute":"0"}""", "2026-03-05T09:00:00Z")]
    [InlineData("""{"frequency":"daily","hour":"23","minute":"59"}""", "2026-03-04T23:59:00Z")]
    [InlineData("""{"frequency":"weekly","day_of_week":"monday","hour":"8","minute":"30"}""", "2026-03-09T08:30:00Z")]
    [InlineData("""{"frequency":"weekly","day_of_week":"Wed","hour":"10","minute":"21"}""", "2026-03-04T10:21:00Z")]
    [InlineData("""{"frequency":"weekly","day_of_week":"0","hour":"0","minute":"0"}""", "2026-03-08T00:00:00Z")]
    [InlineData("""{"frequency":"weekly","day_of_week":"7","hour":"0","minute":"0"}""", "2026-03-08T00:00:00Z")]
    [InlineData("""{"frequency":"custom","minute":"*/15"}""", "2026-03-04T10:30:00Z")]
    [InlineData("""{"frequency":"custom","minute":"*/15,22"}""", "2026-03-04T10:22:00Z")]
    [InlineData("""{"frequency":"custom","minute":"25,*/20"}""", "2026-03-04T10:25:00Z")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"*,3"}""", "2026-03-04T11:00:00Z")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"12","day_of_month":"1"}""", "2026-04-01T12:00:00Z")]
    [InlineData("""{"frequency":"builder","minute":"0","hour":"6","month":"6-7"}""", "2026-06-01T06:00:00Z")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"0","day_of_month":"29","month":"2"}""", "2028-02-29T00:00:00Z")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"0","day_of_week":"1-5"}""", "2026-03-05T00:00:00Z")]
    [InlineData("""{"frequency":"custom","minute":"0","hour":"0","day_of_month":"13","day_of_week":"5"}""", "2026-03-06T00:00:00Z")]
    [InlineData("""{"frequency":"custom","minute":"","hour":null}""", "2026-03-04T10:21:00Z")]
    public void NextOccurrence_matches_schedule(string json, string expected)
    {
        var schedule = ScheduleParser.Parse(Read(json));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.GetNextOccurrence(Now));
    }

    [Fact]
    public void Multi_takes_earliest_part()
    {
        var schedule = ScheduleParser.Parse(Read("""
            {"frequency":"multi","schedules":[
              {"frequency":"daily","hour":"18","minute":"0"},
              {"frequency":"weekly","day_of_week":"wednesday","hour":"11","minute":"0"},
              {"frequency":"runafter","run_after":{"sync_ids":["6f1c3f4e-8d9b-4c4e-9a53-0c7c1a0e8a11"]}}
            ]}
            """));

        Assert.Equal(new DateTimeOffset(2026, 3, 4, 11, 0, 0, TimeSpan.Zero), schedule.GetNextOccurrence(Now));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 18, 0, 0, TimeSpan.Zero), schedule.GetNextOccurrence(Now.AddHours(1)));
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 18, 0, 0, TimeSpan.Zero), schedule.GetNextOccurrence(new DateTimeOffset(2026, 3, 4, 18, 0, 0, TimeSpan.Zero)));
        Assert.Single(schedule.RunAfter);
        Assert.Single(schedule.ConditionsAfter(Guid.Parse("6f1c3f4e-8d9b-4c4e-9a53-0c7c1a0e8a11")));
        Assert.False(schedule.IsManual);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"frequency":"manual"}""")]
    public void Manual_has_no_occurrence(string json)
    {
        var schedule = ScheduleParser.Parse(Read(json));

        Assert.True(schedule.IsManual);
        Assert.Null(schedule.GetNextOccurrence(Now));
    }

    [Fact]
    public void Continuous_is_not_time_based()
    {
        var schedule = ScheduleParser.Parse(Read("""{"frequency":"continuous"}"""));

        Assert.True(schedule.IsContinuous);
        Assert.False(schedule.IsManual);
        Assert.Null(schedule.GetNextOccurrence(Now));
    }

    [Theory]
    [InlineData("""{"frequency":"hourly"}""", "schedule.minute")]
    [InlineData("""{"frequency":"hourly","minute":"60"}""", "schedule.minute")]
    [InlineData("""{"frequency":"daily","hour":"24","minute":"0"}""", "schedule.hour")]
    [InlineData("""{"frequency":"weekly","day_of_week":"someday","hour":"1","minute":"0"}""", "schedule.day_of_week")]
    [InlineData("""{"frequency":"custom","month":"13"}""", "schedule.month")]
    [InlineData("""{"frequency":"custom","day_of_month":"30","month":"2"}""", "schedule.day_of_month")]
    [InlineData("""{"frequency":"multi","schedules":[{"frequency":"hourly","minute":"1"},{"frequency":"daily","hour":"x","minute":"1"}]}""", "schedule.schedules[1].hour")]
    [InlineData("""{"frequency":"multi","schedules":[{"frequency":"continuous"}]}""", "schedule.schedules[0].frequency")]
    public void Invalid_part_names_field(string json, string field)
    {
        var exception = Assert.Throws<OutflowException>(() => ScheduleParser.Parse(Read(json)));

        Assert.Equal(ErrorKind.Unprocessable, exception.Kind);
        Assert.Equal(field, exception.Field);
    }

    private static Schedule Read(string json) => System.Text.Json.JsonSerializer.Deserialize<Schedule>(json)!;
}
