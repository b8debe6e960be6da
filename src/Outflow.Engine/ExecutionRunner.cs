using System.Data.Common;
using Microsoft.Extensions.Logging;
using Outflow.Core;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Models;
using Outflow.Engine.Logs;
using Outflow.Engine.Running;

namespace Outflow.Engine;

/// <summary>
/// Runs one execution from start to a terminal status under a lease. A host shutdown puts the execution back in the
/// queue instead, so that it resumes from its last checkpoint after a restart. A run that loses its lease stops and
/// leaves the execution to the process that claimed it.
/// </summary>
internal sealed class ExecutionRunner : IExecutionRunner
{
    private readonly EngineServices _services;
    private readonly IExecutionConsoleLog _consoleLog;
    private readonly ExecutionLogFiles _logFiles;

    public ExecutionRunner(
        IExecutionConsoleLog consoleLog,
        ExecutionLogFiles logFiles,
        IExecutionStore executions,
        ISyncStateStore state,
        IModelStore models,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        EngineOptions options,
        TimeProvider time,
        ILogger<ExecutionRunner> logger)
    {
        _services = new EngineServices(executions, state, models, connections, registry, environment, options, time, logger);
        _consoleLog = consoleLog;
        _logFiles = logFiles;
    }

    public async Task<ExecutionRunResult> RunAsync(Guid executionId, CancellationToken cancellationToken)
    {
        var executions = _services.Executions;
        var logger = _services.Logger;
        var time = _services.Time;
        var execution = await executions.GetByIdAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (execution is null)
        {
            Log.ExecutionNotFound(logger, executionId);
            return ExecutionRunResult.NotStarted;
        }

        var claimedAt = time.GetTimestamp();
        var leaseDuration = _services.Options.LeaseDuration;
        var claim = await executions.TryClaimAsync(executionId, LeaseOwner, leaseDuration, time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        switch (claim.Status)
        {
            case ExecutionClaimStatus.HeldElsewhere:
                // NOTE: after a restart of serve, the lease of the killed process still looks live until it expires,
                // so its execution resumes up to one lease later. A dead owner on this host is not detected by pid.
                Log.ExecutionHeldElsewhere(logger, execution.SyncId, executionId, claim.HeldBy, claim.HeldUntil);
                return new ExecutionRunResult(ExecutionRunOutcome.HeldElsewhere, claim.HeldUntil);
            case ExecutionClaimStatus.NotStartable:
                await SettleNotStartedAsync(execution, cancellationToken).ConfigureAwait(false);
                return ExecutionRunResult.NotStarted;
        }

        var lease = new LeaseKeeper(executions, executionId, claim.LeaseToken!, leaseDuration, claimedAt, time, logger);
        await using (lease.ConfigureAwait(false))
        {
            lease.Start();
            return await RunClaimedAsync(execution, lease, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The owner recorded with each lease this process claims, as host:pid, so that operators can find it.</summary>
    private static string LeaseOwner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    private async Task<ExecutionRunResult> RunClaimedAsync(Execution execution, LeaseKeeper lease, CancellationToken cancellationToken)
    {
        var executionId = execution.Id;
        var logger = _services.Logger;
        var time = _services.Time;
        var startedAt = time.GetTimestamp();
        Log.ExecutionStarted(logger, execution.SyncId, executionId, execution.Type);
        var console = CreateConsoleReporter(execution);

        // The execution was loaded before it was claimed, so a start time means an earlier attempt began it.
        await console.StartedAsync(resumed: execution.StartedAt is not null, cancellationToken).ConfigureAwait(false);
        var status = ExecutionStatus.Completed;
        var errors = new List<string>();

        // Losing the lease stops reads and waits at once, as shutdown does, but nothing is requeued or finished.
        using var stoppable = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        var run = new ExecutionRun(execution, _services, console, lease);
        try
        {
            await run.RunAsync(stoppable.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (lease.IsLost || exception is LeaseLostException)
        {
            return await StopAfterTakeoverAsync(run, execution).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            await run.DisposeAsync().ConfigureAwait(false);
            await console.RequeuedAsync().ConfigureAwait(false);
            return await RequeueAsync(execution, lease).ConfigureAwait(false);
        }
        catch (ExecutionCanceledException)
        {
            status = ExecutionStatus.Canceled;
            await console.CanceledAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ExecutionFailedException or ConnectorException or OutflowException)
        {
            if (!await lease.ConfirmHeldAsync().ConfigureAwait(false))
            {
                return await StopAfterTakeoverAsync(run, execution).ConfigureAwait(false);
            }

            status = ExecutionStatus.Failed;
            errors.Add(exception.Message);
            Log.ExecutionFailed(logger, execution.SyncId, executionId, exception.Message);
            await console.FailedAsync(exception.Message).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            if (!await lease.ConfirmHeldAsync().ConfigureAwait(false))
            {
                return await StopAfterTakeoverAsync(run, execution).ConfigureAwait(false);
            }

            status = ExecutionStatus.Failed;
            errors.Add(DescribeInternalFailure(exception));
            Log.ExecutionInternalError(logger, exception, execution.SyncId, executionId);
            await console.FailedAsync(errors[^1]).ConfigureAwait(false);
        }
        finally
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }

        // The outcome is recorded even when shutdown begins now, because the work it describes is done. A worker that
        // lost its lease meanwhile records nothing, because the execution's new owner runs it again from its checkpoint.
        try
        {
            await lease.EnsureHeldAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            Log.ExecutionLeaseLost(logger, execution.SyncId, executionId);
            return ExecutionRunResult.LeaseLost;
        }

        // The log files and the console entry go first, so a client that sees the terminal status also finds them.
        var logsStored = await StoreLogFilesAsync(execution, lease.Token).ConfigureAwait(false);
        var counts = run.Counts;
        await console.FinishedAsync(status, counts).ConfigureAwait(false);
        if (!await _services.Executions.FinishAsync(executionId, lease.Token, status, errors, time.GetUtcNow(), CancellationToken.None)
            .ConfigureAwait(false))
        {
            Log.ExecutionLeaseLost(logger, execution.SyncId, executionId);
            return ExecutionRunResult.LeaseLost;
        }

        // The local files go only now, because until the execution has ended a new owner on this host resumes them.
        if (logsStored)
        {
            _logFiles.Delete(executionId);
        }

        Log.ExecutionFinished(
            logger, execution.SyncId, executionId, status.ToWire(), (long)time.GetElapsedTime(startedAt).TotalMilliseconds,
            counts.Total, counts.Insert, counts.Update, counts.Delete, counts.Error, counts.Warnings);
        return ExecutionRunResult.Ended;
    }

    /// <summary>
    /// Describes a failure outside the connectors for the execution's errors. Connectors wrap their own database and
    /// network failures, so a database failure here comes from the store or the scratch database, and a file failure
    /// from the data directory, such as a full disk. Either is worth retrying once the cause is fixed, unlike a bug.
    /// </summary>
    private static string DescribeInternalFailure(Exception exception)
    {
        const string Resume = "The next execution resumes from the last checkpoint.";
        var reason = (NetworkErrors.Describe(exception) ?? exception.Message).TrimEnd('.');
        return exception switch
        {
            DbException => $"reading or writing the store or the execution's scratch database failed: {reason}. {Resume}",
            IOException => $"reading or writing a file in the data directory failed: {reason}. {Resume}",
            _ => $"internal error: {exception.Message}",
        };
    }

    /// <summary>
    /// Copies the execution's closed log files into the store, so that every process that shares the store serves
    /// them, and returns whether it did. A failure is logged and leaves the files to this process only.
    /// </summary>
    private async Task<bool> StoreLogFilesAsync(Execution execution, string? leaseToken)
    {
        try
        {
            // Like the terminal status, the files describe work that is done, so they are stored even during shutdown.
            await _logFiles.StoreAsync(execution.Id, leaseToken, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (LeaseLostException)
        {
            // The new owner stores the files of its own run. Finishing fails next and logs the lost lease.
            return false;
        }
        catch (Exception exception)
        {
            Log.LogFilesStoreFailed(_services.Logger, exception, execution.SyncId, execution.Id);
            return false;
        }
    }

    /// <summary>
    /// Stops a run whose failure followed a takeover, such as a target session that the server ended while this worker
    /// was paused past its lease. The failure is not the execution's: its new owner runs it from the last checkpoint.
    /// </summary>
    private async Task<ExecutionRunResult> StopAfterTakeoverAsync(ExecutionRun run, Execution execution)
    {
        await run.DisposeAsync().ConfigureAwait(false);
        Log.ExecutionLeaseLost(_services.Logger, execution.SyncId, execution.Id);
        return ExecutionRunResult.LeaseLost;
    }

    /// <summary>
    /// Finishes as canceled an execution whose cancellation was requested before any worker started it, because no
    /// running engine will see the flag. One that started is left alone: its worker, or recovery, settles it.
    /// </summary>
    private async Task SettleNotStartedAsync(Execution loaded, CancellationToken cancellationToken)
    {
        var executions = _services.Executions;
        var current = await executions.GetByIdAsync(loaded.Id, cancellationToken).ConfigureAwait(false) ?? loaded;
        if (current.Status == ExecutionStatus.Canceling && current.StartedAt is null)
        {
            await CreateConsoleReporter(current).CanceledBeforeStartAsync().ConfigureAwait(false);
            await executions.FinishAsync(current.Id, null, ExecutionStatus.Canceled, [], _services.Time.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false);
            Log.ExecutionFinished(_services.Logger, current.SyncId, current.Id, ExecutionStatus.Canceled.ToWire(), 0, 0, 0, 0, 0, 0, 0);
            return;
        }

        Log.ExecutionNotStartable(_services.Logger, current.SyncId, current.Id, current.Status.ToWire());
    }

    private ConsoleReporter CreateConsoleReporter(Execution execution) =>
        new(_consoleLog, execution, _services.Time, _services.Options.ConsoleProgressInterval, _services.Logger);

    private async Task<ExecutionRunResult> RequeueAsync(Execution execution, LeaseKeeper lease)
    {
        try
        {
            // The host's token has fired, so this last bookkeeping step runs without it.
            if (!await _services.Executions.RequeueAsync(execution.Id, lease.Token, CancellationToken.None).ConfigureAwait(false))
            {
                Log.ExecutionLeaseLost(_services.Logger, execution.SyncId, execution.Id);
                return ExecutionRunResult.LeaseLost;
            }

            Log.ExecutionRequeued(_services.Logger, execution.SyncId, execution.Id);
            return ExecutionRunResult.Requeued;
        }
        catch (Exception exception)
        {
            Log.RequeueFailed(_services.Logger, exception, execution.SyncId, execution.Id);
            throw;
        }
    }
}
