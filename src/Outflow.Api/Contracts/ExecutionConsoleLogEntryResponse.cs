using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Outflow.Core.Executions;

namespace Outflow.Api.Contracts;

/// <summary>One console log entry (<c>ExecutionConsoleLogEntry</c>); its id is the cursor to pass as <c>after</c>.</summary>
internal sealed record ExecutionConsoleLogEntryResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("payload")] JsonObject? Payload)
{
    public static ExecutionConsoleLogEntryResponse From(ConsoleLogEntry entry) =>
        new(entry.Id.ToString(), entry.Timestamp, entry.Level, entry.Message, entry.Payload);
}
