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
        Level = LogLevel.Error,
        Message = "Recovering the unfinished executions at start failed; they stay unfinished until the next start")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);
}
