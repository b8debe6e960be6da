using Microsoft.Extensions.Logging;

namespace Outflow.Connectors.Sqlite;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Opened a SQLite model reader with {ColumnCount} columns")]
    public static partial void ReaderOpened(ILogger logger, int columnCount);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Wrote {RecordCount} records to SQLite table {ObjectId}")]
    public static partial void BatchWritten(ILogger logger, string objectId, int recordCount);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Rolled back a batch of {RecordCount} records to SQLite table {ObjectId} (SQLite error {ErrorCode})")]
    public static partial void BatchRolledBack(ILogger logger, string objectId, int recordCount, int errorCode);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Created SQLite table {ObjectId} with {ColumnCount} columns")]
    public static partial void TableCreated(ILogger logger, string objectId, int columnCount);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Dropped SQLite table {ObjectId}")]
    public static partial void TableDropped(ILogger logger, string objectId);
}
