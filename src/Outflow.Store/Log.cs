using Microsoft.Extensions.Logging;

namespace Outflow.Store;

internal static partial class Log
{
    [LoggerMessage(
        EventId = 5001,
        Level = LogLevel.Information,
        Message = "Applied store migration {Version} ({Name}) to {Database}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string database);

    [LoggerMessage(
        EventId = 5002,
        Level = LogLevel.Information,
        Message = "Store schema of {Database} is at version {Version}")]
    public static partial void SchemaCurrent(ILogger logger, string database, int version);

    [LoggerMessage(
        EventId = 5003,
        Level = LogLevel.Warning,
        Message = "Journal mode of {Database} is {JournalMode}, not wal; concurrent readers will block the writer")]
    public static partial void JournalModeNotWal(ILogger logger, string database, string journalMode);

    [LoggerMessage(
        EventId = 5004,
        Level = LogLevel.Warning,
        Message = "Did not finish execution {ExecutionId} as {Status}: it is missing, already in a terminal status, or its lease is held by another claim")]
    public static partial void FinishIgnored(ILogger logger, Guid executionId, string status);

    [LoggerMessage(
        EventId = 5005,
        Level = LogLevel.Warning,
        Message = "Did not requeue execution {ExecutionId}: it is missing, neither running nor canceling, or its lease is held by another claim")]
    public static partial void RequeueIgnored(ILogger logger, Guid executionId);

    [LoggerMessage(
        EventId = 5006,
        Level = LogLevel.Warning,
        Message = "Claim of execution {ExecutionId} timed out after {TimeoutMilliseconds} ms waiting for a lock on its row that another store session holds; its job tries the claim again later")]
    public static partial void ClaimLockTimedOut(ILogger logger, Guid executionId, long timeoutMilliseconds);
}
