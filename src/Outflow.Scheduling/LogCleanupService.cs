using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;

namespace Outflow.Scheduling;

/// <summary>
/// Deletes local log directories at start and then every <see cref="Interval"/>: those of executions that no longer
/// exist, and those of ended executions whose files are in the store. Deleting a sync, or a model or connection
/// with force, deletes its executions and their stored log files from the store, and record logs hold row values
/// that must not outlive them. A local copy of stored files is left over by an attempt that another process
/// finished, or by a delete that failed.
/// </summary>
internal sealed class LogCleanupService(
    IExecutionStore executions,
    IExecutionLogFiles logFiles,
    IExecutionLogStore logStore,
    TimeProvider time,
    ILogger<LogCleanupService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>Deletes the local log directories that no process needs and returns how many it deleted.</summary>
    public async Task<int> CleanAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var executionId in logFiles.ListExecutionIds())
        {
            var execution = await executions.GetByIdAsync(executionId, cancellationToken).ConfigureAwait(false);
            if (execution is null)
            {
                logFiles.Delete(executionId);
                Log.ExecutionLogsDeleted(logger, executionId);
                deleted++;
            }
            else if (execution.Status.IsTerminal()
                && (await logStore.ListAsync(executionId, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                // An ended execution without stored files keeps its directory, because it is the only copy.
                logFiles.Delete(executionId);
                Log.StoredExecutionLogsDeleted(logger, executionId);
                deleted++;
            }
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await CleanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next round tries again, and a leftover file harms nothing until then.
                Log.LogCleanupFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
