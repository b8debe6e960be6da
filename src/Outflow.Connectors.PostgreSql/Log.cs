using Microsoft.Extensions.Logging;

namespace Outflow.Connectors.PostgreSql;

internal static partial class Log
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Opened a PostgreSQL model reader on {Host}/{Database} with {ColumnCount} columns")]
    public static partial void ReaderOpened(ILogger logger, string host, string database, int columnCount);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Wrote {RecordCount} records to PostgreSQL table {ObjectId}")]
    public static partial void BatchWritten(ILogger logger, string objectId, int recordCount);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Rolled back a batch of {RecordCount} records to PostgreSQL table {ObjectId} (SQLSTATE {SqlState})")]
    public static partial void BatchRolledBack(ILogger logger, string objectId, int recordCount, string sqlState);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Connection test to PostgreSQL server {Host}:{Port} failed")]
    public static partial void ConnectionTestFailed(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Created PostgreSQL table {ObjectId} with {ColumnCount} columns")]
    public static partial void TableCreated(ILogger logger, string objectId, int columnCount);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Dropped PostgreSQL table {ObjectId}")]
    public static partial void TableDropped(ILogger logger, string objectId);

    [LoggerMessage(
        EventId = 1107, Level = LogLevel.Information,
        Message = "PostgreSQL table {ObjectId} rejected a COPY of {RecordCount} new records (SQLSTATE {SqlState}), so statements write its batches")]
    public static partial void CopyRejected(ILogger logger, string objectId, int recordCount, string? sqlState);

    [LoggerMessage(
        EventId = 1108, Level = LogLevel.Information,
        Message = "The commit of {RecordCount} records to PostgreSQL table {ObjectId} failed before its reply arrived, and the server reports transaction {TransactionId} committed")]
    public static partial void CommitConfirmed(ILogger logger, string objectId, int recordCount, long transactionId);

    [LoggerMessage(
        EventId = 1109, Level = LogLevel.Warning,
        Message = "Asking the PostgreSQL server whether transaction {TransactionId} committed failed")]
    public static partial void TransactionStatusUnknown(ILogger logger, long transactionId, Exception exception);

    [LoggerMessage(
        EventId = 1110, Level = LogLevel.Information,
        Message = "The PostgreSQL target server cannot report transaction status (SQLSTATE {SqlState}), so the outcome of a commit whose reply is lost stays unknown")]
    public static partial void TransactionStatusUnsupported(ILogger logger, string sqlState);

    [LoggerMessage(
        EventId = 1111, Level = LogLevel.Information,
        Message = "{FailedCount} of {RecordCount} records to PostgreSQL table {ObjectId} failed (first SQLSTATE {SqlState}), and the others were written without them")]
    public static partial void RecordsIsolated(ILogger logger, string objectId, int failedCount, int recordCount, string sqlState);
}
