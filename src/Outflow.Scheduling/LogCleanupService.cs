using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;

namespace Outflow.Scheduling;

/// <summary>
/// Deletes the log files of executions that no longer exist, at start and then every <see cref="Interval"/>.
/// Deleting a sync, or a model or connection with force, deletes its executions from the store, and their
/// record logs hold row values that must not outlive them.
/// </summary>
internal sealed class LogCleanupService(
    IExecutionStore executions,
    IExecutionLogFiles logFiles,
    TimeProvider time,
    ILogger<LogCleanupService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>Deletes the log directories whose execution is gone and returns how many it deleted.</summary>
    public async Task<int> CleanAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var executionId in logFiles.ListExecutionIds())
        {
            if (await executions.GetByIdAsync(executionId, cancellationToken).ConfigureAwait(false) is null)
            {
                logFiles.Delete(executionId);
                Log.ExecutionLogsDeleted(logger, executionId);
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
