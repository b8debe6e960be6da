using Microsoft.Extensions.Logging;

namespace Outflow.Connectors.Webhook;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Sent batch {BatchNumber} of {RecordCount} records for object {ObjectId} to {Host}; {RejectedCount} rejected")]
    public static partial void BatchSent(ILogger logger, string host, string objectId, int batchNumber, int recordCount, int rejectedCount);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Retrying batch {BatchNumber} for object {ObjectId} to {Host} in {DelayMilliseconds} ms (attempt {Attempt} of {MaxAttempts}): {Reason}")]
    public static partial void BatchRetried(ILogger logger, string host, string objectId, int batchNumber, long delayMilliseconds, int attempt, int maxAttempts, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Batch {BatchNumber} of {RecordCount} records for object {ObjectId} to {Host} failed: {Reason}")]
    public static partial void BatchFailed(ILogger logger, string host, string objectId, int batchNumber, int recordCount, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "The webhook at {Host} returned {Count} results for identities not in batch {BatchNumber}; they were ignored")]
    public static partial void UnknownResults(ILogger logger, string host, int batchNumber, int count);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "The webhook at {Host} accepted batch {BatchNumber} for object {ObjectId} with a response body over {MaxBytes} bytes; every record counts as written and per-record results were not read")]
    public static partial void ResponseTooLarge(ILogger logger, string host, string objectId, int batchNumber, int maxBytes);
}
