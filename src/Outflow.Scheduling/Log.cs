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
        EventId = 3011,
        Level = LogLevel.Information,
        Message = "Deleted the local log files of execution {ExecutionId}, which ended and whose log files are in the store")]
    public static partial void StoredExecutionLogsDeleted(ILogger logger, Guid executionId);

    [LoggerMessage(
        EventId = 3003,
        Level = LogLevel.Warning,
        Message = "Deleting local log files that no process needs failed; the next round tries again")]
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

    [LoggerMessage(
        EventId = 3020,
        Level = LogLevel.Information,
        Message = "Skipped a repeated firing of sync {SyncId} for {ScheduledFor:O}: it already created execution {ExecutionId}")]
    public static partial void ScheduledStartRepeated(ILogger logger, Guid syncId, DateTimeOffset scheduledFor, Guid executionId);

    [LoggerMessage(
        EventId = 3021,
        Level = LogLevel.Information,
        Message = "Removed the schedule of sync {SyncId} again after it fired, because the sync was deactivated or deleted meanwhile")]
    public static partial void ScheduleWithdrawn(ILogger logger, Guid syncId);

    [LoggerMessage(
        EventId = 3022,
        Level = LogLevel.Warning,
        Message = "Deleting the Quartz job {JobKey} failed on attempt {Attempt} of {MaxAttempts}; retrying")]
    public static partial void DeleteJobRetried(ILogger logger, Exception exception, string jobKey, int attempt, int maxAttempts);

    [LoggerMessage(
        EventId = 3023,
        Level = LogLevel.Information,
        Message = "Shutdown: put Quartz's scheduler in standby and waiting for {RunningJobs} running jobs to return")]
    public static partial void DrainStarted(ILogger logger, int runningJobs);

    [LoggerMessage(
        EventId = 3024,
        Level = LogLevel.Information,
        Message = "Shutdown: all {RunningJobs} running jobs returned")]
    public static partial void DrainCompleted(ILogger logger, int runningJobs);

    [LoggerMessage(
        EventId = 3025,
        Level = LogLevel.Warning,
        Message = "Shutdown timed out with {RunningJobs} jobs still running; Quartz recovery and the sweep of another process take over their executions")]
    public static partial void DrainTimedOut(ILogger logger, int runningJobs);

    [LoggerMessage(
        EventId = 3026,
        Level = LogLevel.Warning,
        Message = "Sweep dispatched execution {ExecutionId} of sync {SyncId}, found {Status} with no Quartz trigger")]
    public static partial void OrphanDispatched(ILogger logger, Guid syncId, Guid executionId, string status);

    [LoggerMessage(
        EventId = 3027,
        Level = LogLevel.Error,
        Message = "Sweeping for executions with no Quartz trigger failed; the next sweep tries again")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
