using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A page of console log entries, oldest first, and the cursor for the next request.</summary>
internal sealed record ExecutionConsoleLogsResponse(
    [property: JsonPropertyName("entries")] IReadOnlyList<ExecutionConsoleLogEntryResponse> Entries,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
