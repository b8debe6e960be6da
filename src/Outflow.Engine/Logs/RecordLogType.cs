namespace Outflow.Engine.Logs;

/// <summary>The record logs the engine writes. Their file names start with the lowercase member name.</summary>
internal enum RecordLogType
{
    Errors,
    Warnings,
}
