using System.Text.Json.Nodes;

namespace Outflow.Core.Executions;

/// <summary>
/// One console log entry of an execution: its id, the instant its id was taken from, a level from
/// <see cref="ConsoleLogLevels"/>, a message for people and structured numbers and names in <see cref="Payload"/>.
/// </summary>
public sealed record ConsoleLogEntry(
    ConsoleLogCursor Id, DateTimeOffset Timestamp, string Level, string Message, JsonObject? Payload);
