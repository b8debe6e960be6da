using Microsoft.Extensions.Logging;

namespace Outflow.Hosting;

internal static partial class Log
{
    [LoggerMessage(
        EventId = 4901,
        Level = LogLevel.Information,
        Message = "Outflow {Role} started: store {Store}, listening on {Address}, data directory {DataDirectory}, files root {FilesRoot}")]
    public static partial void ServerStarted(ILogger logger, string role, string store, string address, string dataDirectory, string filesRoot);

    [LoggerMessage(
        EventId = 4902,
        Level = LogLevel.Warning,
        Message = "Crash point {CrashPoint} is armed: this process kills itself with SIGKILL when it reaches that point. Unset OUTFLOW_CRASH_POINT outside recovery tests")]
    public static partial void CrashPointArmed(ILogger logger, string crashPoint);
}
