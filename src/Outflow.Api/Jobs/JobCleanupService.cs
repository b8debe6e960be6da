using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Core.Jobs;

namespace Outflow.Api.Jobs;

/// <summary>
/// Marks failed, at start, the jobs that an earlier server process left created or running, because their work ran
/// in that process and is lost. Then deletes, every <see cref="Interval"/>, the jobs that finished more than
/// <see cref="Retention"/> ago.
/// </summary>
internal sealed class JobCleanupService : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly IJobStore _jobs;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<JobCleanupService> _logger;

    // The host creates its hosted services before the server accepts requests, so every job created before this
    // instant belongs to an earlier process.
    private readonly DateTimeOffset _startedAt;

    public JobCleanupService(IJobStore jobs, TimeProvider timeProvider, ILogger<JobCleanupService> logger)
    {
        _jobs = jobs;
        _timeProvider = timeProvider;
        _logger = logger;
        _startedAt = timeProvider.GetUtcNow();
    }

    // NOTE: with several API processes on one store, a starting process also fails the unfinished jobs that
    // another live process runs. That process's outcome is then discarded, so clients see the job failed.
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var failed = await _jobs.FailUnfinishedAsync(_startedAt, JobRunner.InterruptedError, _timeProvider.GetUtcNow(), cancellationToken);
        if (failed > 0)
        {
            Log.JobsFailedAtStart(_logger, failed);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Deletes the jobs that finished more than <see cref="Retention"/> ago and returns how many it deleted.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var deleted = await _jobs.DeleteFinishedAsync(_timeProvider.GetUtcNow() - Retention, cancellationToken);
        if (deleted > 0)
        {
            Log.JobsDeleted(_logger, deleted, Retention.TotalHours);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _timeProvider);
        try
        {
            do
            {
                try
                {
                    await DeleteExpiredAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The next round tries again, and an old job harms nothing until then.
                    Log.JobCleanupFailed(_logger, Interval.TotalSeconds, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
