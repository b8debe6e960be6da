using Microsoft.Extensions.Logging;

namespace Outflow.Engine;

/// <summary>The engine's log events. Event ids are stable: a retired id is never reused.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} was not found, so nothing was run")]
    public static partial void ExecutionNotFound(ILogger logger, Guid executionId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Execution {ExecutionId} of sync {SyncId} was not started because it is {Status}")]
    public static partial void ExecutionNotStartable(ILogger logger, Guid syncId, Guid executionId, string status);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Execution {ExecutionId} of sync {SyncId} started ({ExecutionType})")]
    public static partial void ExecutionStarted(ILogger logger, Guid syncId, Guid executionId, string executionType);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information,
        Message = "Execution {ExecutionId} of sync {SyncId} finished {Status} in {DurationMs} ms: " +
            "{Total} total, {Insert} inserted, {Update} updated, {Delete} deleted, {Error} errors, {Warnings} warnings")]
    public static partial void ExecutionFinished(
        ILogger logger, Guid syncId, Guid executionId, string status, long durationMs,
        long total, long insert, long update, long delete, long error, long warnings);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of sync {SyncId}: writing {RecordCount} records failed transiently " +
            "(attempt {Attempt} of {MaxAttempts}), retrying in {DelayMs} ms: {Reason}")]
    public static partial void BatchRetried(
        ILogger logger, Guid syncId, Guid executionId, int recordCount, int attempt, int maxAttempts, long delayMs, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of sync {SyncId} failed: {Reason}")]
    public static partial void ExecutionFailed(ILogger logger, Guid syncId, Guid executionId, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error,
        Message = "Execution {ExecutionId} of sync {SyncId} failed with an internal error")]
    public static partial void ExecutionInternalError(ILogger logger, Exception exception, Guid syncId, Guid executionId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information,
        Message = "Execution {ExecutionId} of sync {SyncId} stopped for shutdown and was queued to resume")]
    public static partial void ExecutionRequeued(ILogger logger, Guid syncId, Guid executionId);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug,
        Message = "Execution {ExecutionId} of sync {SyncId}: the target rejected a batch of {RecordCount} records. " +
            "Splitting it to find the failing records")]
    public static partial void BatchSplit(ILogger logger, Guid syncId, Guid executionId, int recordCount);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of sync {SyncId}: cleanup failed ({Step})")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, Guid syncId, Guid executionId, string step);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error,
        Message = "Execution {ExecutionId} of sync {SyncId} could not be requeued after shutdown")]
    public static partial void RequeueFailed(ILogger logger, Exception exception, Guid syncId, Guid executionId);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug,
        Message = "Execution {ExecutionId} of sync {SyncId} read {RowCount} rows; {PendingCount} to write, {ErrorCount} record errors")]
    public static partial void ModelRead(ILogger logger, Guid syncId, Guid executionId, long rowCount, long pendingCount, long errorCount);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of sync {SyncId}: the source could not read some rows, so no record was deleted " +
            "for leaving the model")]
    public static partial void AbsentRowsKept(ILogger logger, Guid syncId, Guid executionId);

    [LoggerMessage(EventId = 2040, Level = LogLevel.Warning,
        Message = "Checking whether execution {ExecutionId} was canceled failed, so it is checked again at the next poll")]
    public static partial void CancelPollFailed(ILogger logger, Exception exception, Guid executionId);

    [LoggerMessage(EventId = 2041, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of sync {SyncId}: writing a console log entry failed, so the entry was dropped")]
    public static partial void ConsoleLogWriteFailed(ILogger logger, Exception exception, Guid syncId, Guid executionId);

    [LoggerMessage(EventId = 2050, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} lost its lease because {Reason}, so this worker stops it without writing further")]
    public static partial void LeaseLost(ILogger logger, Guid executionId, string reason);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Warning,
        Message = "Renewing the lease of execution {ExecutionId} failed; the next renewal tries again")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, Guid executionId);

    [LoggerMessage(EventId = 2052, Level = LogLevel.Information,
        Message = "Execution {ExecutionId} of sync {SyncId} was not started because {Owner} holds its lease until {HeldUntil}")]
    public static partial void ExecutionHeldElsewhere(ILogger logger, Guid syncId, Guid executionId, string? owner, DateTimeOffset? heldUntil);

    [LoggerMessage(EventId = 2053, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of sync {SyncId} stopped after losing its lease; its new owner continues it")]
    public static partial void ExecutionLeaseLost(ILogger logger, Guid syncId, Guid executionId);

    [LoggerMessage(EventId = 2054, Level = LogLevel.Warning,
        Message = "Checking the lease of execution {ExecutionId} after a failure failed, so the failure counts as the execution's own")]
    public static partial void LeaseCheckFailed(ILogger logger, Exception exception, Guid executionId);

    [LoggerMessage(EventId = 2060, Level = LogLevel.Warning,
        Message = "Execution {ExecutionId} of sync {SyncId}: storing its record log files failed, so they stay in this " +
            "process's logs directory and only this process serves them")]
    public static partial void LogFilesStoreFailed(ILogger logger, Exception exception, Guid syncId, Guid executionId);
}
