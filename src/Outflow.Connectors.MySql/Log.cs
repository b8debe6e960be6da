using Microsoft.Extensions.Logging;

namespace Outflow.Connectors.MySql;

internal static partial class Log
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Opened a MySQL model reader on {Host}/{Database} with {ColumnCount} columns")]
    public static partial void ReaderOpened(ILogger logger, string host, string database, int columnCount);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Debug, Message = "Wrote {RecordCount} records to MySQL table {ObjectId}")]
    public static partial void BatchWritten(ILogger logger, string objectId, int recordCount);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Rolled back a batch of {RecordCount} records to MySQL table {ObjectId} (error {ErrorCode})")]
    public static partial void BatchRolledBack(ILogger logger, string objectId, int recordCount, int errorCode);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Information, Message = "Connection test to MySQL server {Host}:{Port} failed")]
    public static partial void ConnectionTestFailed(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Created MySQL table {ObjectId} with {ColumnCount} columns")]
    public static partial void TableCreated(ILogger logger, string objectId, int columnCount);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "Dropped MySQL table {ObjectId}")]
    public static partial void TableDropped(ILogger logger, string objectId);
}
