using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// Drains the running jobs at shutdown, before Quartz's hosted service shuts the scheduler down: puts the scheduler
/// in standby so that it fires nothing new, then waits until every job has returned. A job that stops for shutdown
/// hands its execution back with a new trigger, which needs a running scheduler. It is registered after Quartz's
/// hosted service because the host stops hosted services in reverse order of registration.
/// </summary>
internal sealed class ExecutionDrainService(
    ISchedulerFactory schedulerFactory,
    RunningJobs runningJobs,
    OutflowSchedulingOptions options,
    ILogger<ExecutionDrainService> logger) : IHostedService
{
    private int _stopping;
    private Task _drain = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Drains once. The host can call this twice (on the signal, then when the server is disposed), and the second
    /// call waits for the first drain.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (!options.ExecutesJobs)
        {
            return Task.CompletedTask;
        }

        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _drain = DrainAsync(cancellationToken);
        }

        return _drain.WaitAsync(cancellationToken);
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        if (scheduler.Status is SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown)
        {
            return;
        }

        if (scheduler.Status == SchedulerStatus.Running)
        {
            await scheduler.Standby(cancellationToken).ConfigureAwait(false);
        }

        var running = runningJobs.Count;
        Log.DrainStarted(logger, running);
        try
        {
            // The token is canceled when the host's shutdown timeout ends. Jobs still running then are cut off, so
            // Quartz's recovery triggers and the orphan sweep recover their executions.
            await runningJobs.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
            Log.DrainCompleted(logger, running);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.DrainTimedOut(logger, runningJobs.Count);
        }
    }
}
