namespace Outflow.Core.Executions;

/// <summary>The levels of console log entries, as the API writes them.</summary>
public static class ConsoleLogLevels
{
    public const string Debug = "DEBUG";
    public const string Info = "INFO";
    public const string Warn = "WARN";
    public const string Error = "ERROR";
}
