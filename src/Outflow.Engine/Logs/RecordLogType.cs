namespace Outflow.Engine.Logs;

/// <summary>The record logs the engine writes. Their file names start with the lowercase member name.</summary>
internal enum RecordLogType
{
    /// <summary>Every record written, with its operation.</summary>
    Records,

    Inserts,
    Updates,
    Deletes,
    Errors,
    Warnings,
}
