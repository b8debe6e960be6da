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
}
