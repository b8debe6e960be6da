using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// One schedule frequency (<c>ScheduleScheduleOption</c>). <see cref="Configuration"/> is a JSON Schema of the
/// <c>schedule</c> properties that frequency uses.
/// </summary>
internal sealed record ScheduleOptionResponse(
    [property: JsonPropertyName("frequency")] string Frequency,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("configuration")] JsonObject Configuration);
