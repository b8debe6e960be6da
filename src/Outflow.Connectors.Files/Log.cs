using Microsoft.Extensions.Logging;

namespace Outflow.Connectors.Files;

internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Appended {RecordCount} records to file {FileName}")]
    public static partial void BatchAppended(ILogger logger, string fileName, int recordCount);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Debug, Message = "Rewrote file {FileName} with {RowCount} records after a batch of {RecordCount}")]
    public static partial void FileReplaced(ILogger logger, string fileName, int rowCount, int recordCount);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Removed {ByteCount} bytes that an interrupted attempt appended to file {FileName} before writing the batch again")]
    public static partial void RetriedBatchTruncated(ILogger logger, string fileName, long byteCount);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Writing {RecordCount} records to file {FileName} failed, so the file was cut back to its length before the batch")]
    public static partial void BatchUndone(ILogger logger, Exception exception, string fileName, int recordCount);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Left file {FileName} out of the object list: {Reason}")]
    public static partial void ObjectSkipped(ILogger logger, string fileName, string reason);
}
