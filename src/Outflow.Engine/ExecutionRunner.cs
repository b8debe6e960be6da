using Microsoft.Extensions.Logging;
using Outflow.Core;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Models;
using Outflow.Engine.Running;

namespace Outflow.Engine;

/// <summary>
/// Runs one execution from start to a terminal status. A host shutdown puts the execution back in the queue
/// instead, so that it resumes from its last checkpoint after a restart.
/// </summary>
internal sealed class ExecutionRunner : IExecutionRunner
{
    private readonly EngineServices _services;
    private readonly IExecutionConsoleLog _consoleLog;

    public ExecutionRunner(
        IExecutionConsoleLog consoleLog,
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
    }

    public async Task RunAsync(Guid executionId, CancellationToken cancellationToken)
    {
        var executions = _services.Executions;
        var logger = _services.Logger;
        var time = _services.Time;
        var execution = await executions.GetByIdAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (execution is null)
        {
            Log.ExecutionNotFound(logger, executionId);
            return;
        }

        if (!await executions.TryStartAsync(executionId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            await SettleNotStartedAsync(execution, cancellationToken).ConfigureAwait(false);
            return;
        }

        var startedAt = time.GetTimestamp();
        Log.ExecutionStarted(logger, execution.SyncId, executionId, execution.Type);
        var console = CreateConsoleReporter(execution);

        // The execution was loaded before it moved to running, so a start time means an earlier attempt began it.
        await console.StartedAsync(resumed: execution.StartedAt is not null, cancellationToken).ConfigureAwait(false);
        var status = ExecutionStatus.Completed;
        var errors = new List<string>();
        var run = new ExecutionRun(execution, _services, console);
        try
        {
            await run.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            await run.DisposeAsync().ConfigureAwait(false);
            await console.RequeuedAsync().ConfigureAwait(false);
            await RequeueAsync(execution).ConfigureAwait(false);
            return;
        }
        catch (ExecutionCanceledException)
        {
            status = ExecutionStatus.Canceled;
            await console.CanceledAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ExecutionFailedException or ConnectorException or OutflowException)
        {
            status = ExecutionStatus.Failed;
            errors.Add(exception.Message);
            Log.ExecutionFailed(logger, execution.SyncId, executionId, exception.Message);
            await console.FailedAsync(exception.Message).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            status = ExecutionStatus.Failed;
            errors.Add($"internal error: {exception.Message}");
            Log.ExecutionInternalError(logger, exception, execution.SyncId, executionId);
            await console.FailedAsync(errors[^1]).ConfigureAwait(false);
        }
        finally
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }

        // The console entry goes first, so a client that sees the terminal status also finds the entry.
        var counts = run.Counts;
        await console.FinishedAsync(status, counts).ConfigureAwait(false);

        // The outcome is recorded even when shutdown begins now, because the work it describes is done.
        await executions.FinishAsync(executionId, status, errors, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        Log.ExecutionFinished(
            logger, execution.SyncId, executionId, status.ToWire(), (long)time.GetElapsedTime(startedAt).TotalMilliseconds,
            counts.Total, counts.Insert, counts.Update, counts.Delete, counts.Error, counts.Warnings);
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
            await executions.FinishAsync(current.Id, ExecutionStatus.Canceled, [], _services.Time.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false);
            Log.ExecutionFinished(_services.Logger, current.SyncId, current.Id, ExecutionStatus.Canceled.ToWire(), 0, 0, 0, 0, 0, 0, 0);
            return;
        }

        Log.ExecutionNotStartable(_services.Logger, current.SyncId, current.Id, current.Status.ToWire());
    }

    private ConsoleReporter CreateConsoleReporter(Execution execution) =>
        new(_consoleLog, execution, _services.Time, _services.Options.ConsoleProgressInterval, _services.Logger);

    private async Task RequeueAsync(Execution execution)
    {
        try
        {
            // The host's token has fired, so this last bookkeeping step runs without it.
            await _services.Executions.RequeueAsync(execution.Id, CancellationToken.None).ConfigureAwait(false);
            Log.ExecutionRequeued(_services.Logger, execution.SyncId, execution.Id);
        }
        catch (Exception exception)
        {
            Log.RequeueFailed(_services.Logger, exception, execution.SyncId, execution.Id);
            throw;
        }
    }
}
