namespace Outflow.Core.Executions;

/// <summary>
/// One JSON Lines log file of an execution: its type (see <see cref="ExecutionLogTypes"/>), its file name,
/// its number of complete lines and its size in bytes when it was listed.
/// </summary>
public sealed record ExecutionLogFile(string Type, string Name, long Records, long Bytes);
