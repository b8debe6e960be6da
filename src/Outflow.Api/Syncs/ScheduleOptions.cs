using System.Text.Json.Nodes;
using Outflow.Api.Contracts;

namespace Outflow.Api.Syncs;

/// <summary>
/// The schedule frequencies Outflow defines, each with a JSON Schema (draft 2020-12) of the <c>schedule</c> properties it
/// uses. Times are UTC. <c>dbtcloud</c> is left out because Outflow does not follow dbt Cloud jobs.
/// </summary>
internal static class ScheduleOptions
{
    private const string MinutePattern = "^([0-5]?[0-9])$";
    private const string HourPattern = "^([01]?[0-9]|2[0-3])$";

    private static readonly string[] DaysOfWeek = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public static List<ScheduleOptionResponse> All { get; } =
    [
        new("manual", "Manual", "Runs only when started with Start Sync.", Schema([])),
        new(
            "continuous",
            "Continuous",
            "Starts a new execution as soon as the previous one ends, at most once per the server's interval (OUTFLOW_CONTINUOUS_INTERVAL_SECONDS, 60 seconds by default).",
            Schema([])),
        new("hourly", "Hourly", "Runs every hour at the given minute.", Schema([Minute()], "minute")),
        new("daily", "Daily", "Runs every day at the given hour and minute, UTC.", Schema([Hour(), Minute()], "hour", "minute")),
        new(
            "weekly",
            "Weekly",
            "Runs every week on the given day at the given hour and minute, UTC.",
            Schema([DayOfWeek(), Hour(), Minute()], "day_of_week", "hour", "minute")),
        new("custom", "Custom", "Runs on a five-field cron schedule, UTC; a field left null means *.", Schema(CronFields())),
        new("builder", "Schedule builder", "Runs on a five-field cron schedule, UTC, like custom; a field left null means *.", Schema(CronFields())),
        new(
            "runafter",
            "After other syncs",
            "Runs once every listed sync has finished an execution since this sync last ran; the listed syncs must be other syncs of the organization.",
            Schema([RunAfter(), RunAfterSuccessOnly()], "run_after")),
        new(
            "multi",
            "Several schedules",
            "Runs at the times of every schedule in schedules, an Outflow extension: a list of hourly, daily, weekly, custom, builder or runafter schedules.",
            Schema([Schedules()], "schedules")),
    ];

    private static JsonObject Schema(IEnumerable<(string Name, JsonObject Schema)> properties, params string[] required)
    {
        var map = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            map[name] = schema;
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["type"] = "object",
            ["properties"] = map,
            ["required"] = new JsonArray(required.Select(name => (JsonNode?)JsonValue.Create(name)).ToArray()),
        };
    }

    private static (string, JsonObject) Minute() =>
        ("minute", Text("Minute of the hour, 0 to 59, as a string.", MinutePattern));

    private static (string, JsonObject) Hour() =>
        ("hour", Text("Hour of the day in UTC, 0 to 23, as a string.", HourPattern));

    private static (string, JsonObject) DayOfWeek()
    {
        var schema = Text("Day of the week, lowercase; three-letter names and cron numbers 0 to 7 (0 and 7 are Sunday) are accepted too.", null);
        schema["enum"] = new JsonArray(DaysOfWeek.Select(day => (JsonNode?)JsonValue.Create(day)).ToArray());
        return ("day_of_week", schema);
    }

    private static IEnumerable<(string, JsonObject)> CronFields() =>
    [
        ("minute", Nullable("Cron minute field, such as 0, */15 or 5,35.")),
        ("hour", Nullable("Cron hour field in UTC, such as 9 or 8-18.")),
        ("day_of_month", Nullable("Cron day-of-month field, such as 1 or 1,15.")),
        ("month", Nullable("Cron month field, such as 1-6.")),
        ("day_of_week", Nullable("Cron day-of-week field, such as 1-5.")),
    ];

    private static (string, JsonObject) RunAfter() => ("run_after", new JsonObject
    {
        ["type"] = "object",
        ["description"] = "The syncs this one runs after.",
        ["properties"] = new JsonObject
        {
            ["sync_ids"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "string", ["format"] = "uuid" },
                ["minItems"] = 1,
            },
        },
        ["required"] = new JsonArray("sync_ids"),
    });

    private static (string, JsonObject) RunAfterSuccessOnly() => ("run_after_success_only", new JsonObject
    {
        ["type"] = new JsonArray("boolean", "null"),
        ["description"] = "Run only when every listed sync's execution completed.",
    });

    private static (string, JsonObject) Schedules() => ("schedules", new JsonObject
    {
        ["type"] = "array",
        ["description"] = "Schedules of the other frequencies; the sync runs at the union of their times.",
        ["items"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["frequency"] = new JsonObject
                {
                    ["enum"] = new JsonArray("hourly", "daily", "weekly", "custom", "builder", "runafter"),
                },
            },
            ["required"] = new JsonArray("frequency"),
        },
        ["minItems"] = 1,
    });

    private static JsonObject Text(string description, string? pattern)
    {
        var schema = new JsonObject { ["type"] = "string", ["description"] = description };
        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        return schema;
    }

    private static JsonObject Nullable(string description) =>
        new() { ["type"] = new JsonArray("string", "null"), ["description"] = description };
}
