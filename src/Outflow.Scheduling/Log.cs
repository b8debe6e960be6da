using Microsoft.Extensions.Logging;

namespace Outflow.Scheduling;

internal static partial class Log
{
    [LoggerMessage(
        EventId = 3001,
        Level = LogLevel.Information,
        Message = "Recovered execution {ExecutionId} of sync {SyncId}, found {Status} at start")]
    public static partial void ExecutionRecovered(ILogger logger, Guid syncId, Guid executionId, string status);
}
