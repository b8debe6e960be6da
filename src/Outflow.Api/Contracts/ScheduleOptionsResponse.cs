using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The body of Get Schedule Options (<c>ScheduleOptionResponse</c>): one entry per schedule frequency.</summary>
internal sealed record ScheduleOptionsResponse(
    [property: JsonPropertyName("schedule_options")] List<ScheduleOptionResponse> ScheduleOptions);
