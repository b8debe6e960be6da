using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// Dispatches, once the application and its scheduler have started, the unfinished executions that no Quartz
/// trigger covers. A running one keeps its status and lease: its job claims it once the lease has expired, which a
/// process that is still alive elsewhere keeps renewing, and resumes it from its last checkpoint. Quartz's
/// persistent store keeps the trigger of every dispatched or handed-back execution, and fires a recovery trigger for
/// a firing whose process died, so this covers an execution whose process stopped between creating and dispatching
/// it, or before it could hand it back.
/// A process that executes syncs also sweeps every <see cref="OutflowSchedulingOptions.RecoverySweepInterval"/> for
/// unfinished executions that lost their trigger while it runs, for example because another process stopped before
/// handing one back, or because a job failed on an unreachable store after its execution had started.
/// </summary>
internal sealed class ExecutionRecoveryService(
    IExecutionStore executions,
    IExecutionDispatcher dispatcher,
    ISchedulerFactory schedulerFactory,
    OutflowSchedulingOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ExecutionRecoveryService> logger) : BackgroundService
{
    private static readonly TimeSpan SchedulerStartTimeout = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WaitForStartAsync(stoppingToken).ConfigureAwait(false);
            await RecoverAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RecoveryFailed(logger, exception);
        }

        if (!options.ExecutesJobs)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.RecoverySweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.SweepFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Dispatches the unfinished executions, created more than one sweep interval ago, that no trigger covers, and
    /// returns how many it dispatched. The trigger of a firing exists until its job returns, so a started execution
    /// without one has no job left: its job failed before it could record the outcome, for example because the store
    /// was unreachable. Its new firing claims it once its lease has expired and resumes it from its last checkpoint.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.RecoverySweepInterval;
        var unfinished = await executions.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var dispatched = 0;
        foreach (var execution in unfinished)
        {
            if (execution.CreatedAt > cutoff
                || await QuartzExecutionDispatcher.IsDispatchedAsync(scheduler, execution.SyncId, execution.Id, cancellationToken)
                    .ConfigureAwait(false))
            {
                continue;
            }

            // Between the listing and the trigger check, a firing may have run the execution and removed its trigger,
            // so only one that is still unfinished is dispatched.
            var current = await executions.GetByIdAsync(execution.Id, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Status.IsTerminal())
            {
                continue;
            }

            Log.OrphanDispatched(logger, execution.SyncId, execution.Id, current.Status.ToWire());
            await dispatcher.DispatchAsync(execution.SyncId, execution.Id, cancellationToken).ConfigureAwait(false);
            dispatched++;
        }

        return dispatched;
    }

    /// <summary>Dispatches the unfinished executions that no trigger covers and returns how many it dispatched.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        // Executions are listed before triggers: one whose trigger completes in between is terminal by then, and
        // dispatching it again only makes the runner log that it cannot start.
        var unfinished = await executions.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var dispatched = 0;
        foreach (var execution in unfinished)
        {
            if (await QuartzExecutionDispatcher.IsDispatchedAsync(scheduler, execution.SyncId, execution.Id, cancellationToken)
                .ConfigureAwait(false))
            {
                continue;
            }

            Log.ExecutionRecovered(logger, execution.SyncId, execution.Id, execution.Status.ToWire());
            await dispatcher.DispatchAsync(execution.SyncId, execution.Id, cancellationToken).ConfigureAwait(false);
            dispatched++;
        }

        return dispatched;
    }

    /// <summary>
    /// Waits until the application has started and, where this process runs jobs, until Quartz's scheduler has
    /// started, because starting is when a non-clustered Quartz stores the recovery triggers of a previous process.
    /// </summary>
    private async Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (cancellationToken.Register(() => started.TrySetCanceled(cancellationToken)))
        {
            await started.Task.ConfigureAwait(false);
        }

        if (!options.ExecutesJobs)
        {
            return;
        }

        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var deadline = time.GetTimestamp();
        while (scheduler.Status != SchedulerStatus.Running && time.GetElapsedTime(deadline) < SchedulerStartTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
