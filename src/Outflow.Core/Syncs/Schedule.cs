using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>When a sync runs. Time parts are strings on the wire (<c>"30"</c>, <c>"monday"</c>); times are UTC.</summary>
public sealed record Schedule
{
    /// <summary>A <c>ScheduleFrequency</c>; absent means <c>manual</c>.</summary>
    [JsonPropertyName("frequency")]
    public string? Frequency { get; init; }

    [JsonPropertyName("minute")]
    public string? Minute { get; init; }

    [JsonPropertyName("hour")]
    public string? Hour { get; init; }

    [JsonPropertyName("day_of_week")]
    public string? DayOfWeek { get; init; }

    [JsonPropertyName("day_of_month")]
    public string? DayOfMonth { get; init; }

    [JsonPropertyName("month")]
    public string? Month { get; init; }

    [JsonPropertyName("run_after")]
    public RunAfter? RunAfter { get; init; }

    [JsonPropertyName("run_after_success_only")]
    public bool? RunAfterSuccessOnly { get; init; }

    [JsonPropertyName("connection_id")]
    public Guid? ConnectionId { get; init; }

    [JsonPropertyName("job_id")]
    public long? JobId { get; init; }

    /// <summary>Outflow extension for <c>multi</c>: the schedules whose times are united.</summary>
    [JsonPropertyName("schedules")]
    public List<Schedule>? Schedules { get; init; }
}
