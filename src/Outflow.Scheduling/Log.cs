using Microsoft.Extensions.Logging;

namespace Outflow.Scheduling;

internal static partial class Log
{
    [LoggerMessage(
        EventId = 3001,
        Level = LogLevel.Information,
        Message = "Recovered execution {ExecutionId} of sync {SyncId}, found {Status} at start with no Quartz trigger")]
    public static partial void ExecutionRecovered(ILogger logger, Guid syncId, Guid executionId, string status);

    [LoggerMessage(
        EventId = 3002,
        Level = LogLevel.Information,
        Message = "Deleted the log files of execution {ExecutionId}, which no longer exists")]
    public static partial void ExecutionLogsDeleted(ILogger logger, Guid executionId);

    [LoggerMessage(
        EventId = 3003,
        Level = LogLevel.Warning,
        Message = "Deleting the log files of deleted executions failed; the next round tries again")]
    public static partial void LogCleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(
        EventId = 3004,
        Level = LogLevel.Information,
        Message = "Started scheduled execution {ExecutionId} of sync {SyncId} ({Reason})")]
    public static partial void ScheduledStart(ILogger logger, Guid syncId, Guid executionId, string reason);

    [LoggerMessage(
        EventId = 3005,
        Level = LogLevel.Information,
        Message = "Skipped the scheduled start of sync {SyncId} ({Reason}): execution {ExecutionId} is still unfinished")]
    public static partial void ScheduledStartSkipped(ILogger logger, Guid syncId, Guid executionId, string reason);

    [LoggerMessage(
        EventId = 3006,
        Level = LogLevel.Information,
        Message = "Scheduled the next start of sync {SyncId} at {NextTime:O}")]
    public static partial void TriggerScheduled(ILogger logger, Guid syncId, DateTimeOffset nextTime);

    [LoggerMessage(
        EventId = 3007,
        Level = LogLevel.Information,
        Message = "Removed the schedule trigger of sync {SyncId}")]
    public static partial void TriggerRemoved(ILogger logger, Guid syncId);

    [LoggerMessage(
        EventId = 3008,
        Level = LogLevel.Error,
        Message = "Scheduling sync {SyncId} failed; its schedule is applied again at the next start or change")]
    public static partial void SchedulingFailed(ILogger logger, Exception exception, Guid syncId);

    [LoggerMessage(
        EventId = 3009,
        Level = LogLevel.Error,
        Message = "Starting the follow-up executions of execution {ExecutionId} of sync {SyncId} failed")]
    public static partial void FollowUpFailed(ILogger logger, Exception exception, Guid syncId, Guid executionId);

    [LoggerMessage(
        EventId = 3010,
        Level = LogLevel.Error,
        Message = "Recovering the unfinished executions at start failed; they stay unfinished until the next start")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);
}

