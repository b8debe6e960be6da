using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Engine.Logs;
using Outflow.Engine.Planning;
using Outflow.Engine.Rows;
using Outflow.Engine.Scratch;

namespace Outflow.Engine.Running;

/// <summary>
/// One attempt at an execution: plan, open connectors, read and diff the model, write changes and, for replace,
/// delete what left the model. Throws to stop, and the runner turns the exception into the terminal status.
/// </summary>
internal sealed class ExecutionRun(Execution execution, EngineServices services, ConsoleReporter console, LeaseKeeper lease)
    : IAsyncDisposable
{
    private ConnectorSession? _session;
    private ScratchDatabase? _scratch;
    private RecordLogWriter? _logs;
    private CheckpointRecorder? _recorder;
    private CancellationPoller? _poller;

    /// <summary>The execution's counts as checkpointed so far.</summary>
    public ExecutionCounts Counts => _recorder?.Totals ?? execution.Counts;

    /// <summary>
    /// Runs the attempt. A cancel request stops it at the next safe point: reads and waits stop at once, a target
    /// write in flight finishes and is checkpointed first.
    /// </summary>
    /// <exception cref="ExecutionCanceledException">A user requested cancellation.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _poller = await CancellationPoller.StartAsync(
            services.Executions, execution.Id, services.Time, services.Options.CancelPollInterval, services.Logger,
            cancellationToken).ConfigureAwait(false);
        using var stoppable = _poller.Link(cancellationToken);
        try
        {
            await RunStepsAsync(_poller, stoppable.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (
            exception is not (ExecutionCanceledException or LeaseLostException)
            && _poller.IsRequested
            && !cancellationToken.IsCancellationRequested)
        {
            // Whatever the interrupted read or wait threw, the user's request is why it stopped.
            throw new ExecutionCanceledException();
        }
    }

    /// <param name="poller">The cancel flag, checked between batches.</param>
    /// <param name="stopToken">Fires on a cancel request or shutdown, for steps that may stop anywhere.</param>
    /// <param name="cancellationToken">Fires on shutdown only, for target writes and their checkpoints.</param>
    private async Task RunStepsAsync(CancellationPoller poller, CancellationToken stopToken, CancellationToken cancellationToken)
    {
        var plan = SyncPlanBuilder.Build(execution);
        _session = await ConnectorSession.OpenAsync(execution, plan, services, stopToken).ConfigureAwait(false);
        var comparison = TargetCheck.FindIdentityComparison(plan, _session.TargetObject!);
        plan = plan with
        {
            TrackingColumns = _session.Model.TrackingColumns,
            IsBaseline = await IsBaselineAsync(plan, stopToken).ConfigureAwait(false),
            IdentityComparison = comparison,
            Identities = plan.Identities?
                .Select(identity => IdentityText.Reduce(identity, comparison))
                .OfType<string>()
                .ToHashSet(StringComparer.Ordinal),
        };
        _scratch = ScratchDatabase.Create(services.Options.ScratchDirectory, execution.Id);
        _logs = new RecordLogWriter(services.Options.LogsDirectory, execution.Id, execution.Counts);
        _recorder = new CheckpointRecorder(
            services.State, lease, execution.SyncId, execution.Id, plan, _logs, execution.Counts, services.Options, services.Time);

        // A batch an earlier run left in flight may or may not be in the target, so its records count as unconfirmed.
        // This comes before any checkpoint, because a checkpoint outside the writes removes the execution's batches in flight.
        await services.State.ResolveInFlightAsync(execution.SyncId, stopToken).ConfigureAwait(false);
        await _recorder.ResetRecountedAsync(cancellationToken).ConfigureAwait(false);
        var executionStart = execution.StartedAt ?? services.Time.GetUtcNow();
        var scanner = new ModelScanner(plan, _scratch, services.State, execution.SyncId, _recorder, poller, executionStart, console);
        await console.ModelQueryStartedAsync(_session.Model.Name, cancellationToken).ConfigureAwait(false);
        var reader = await _session.Source!.OpenReaderAsync(_session.ModelSource, stopToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await scanner.ScanAsync(reader, stopToken).ConfigureAwait(false);
        }

        Log.ModelRead(services.Logger, execution.SyncId, execution.Id, scanner.RowsRead, scanner.PendingCount, scanner.ErrorCount);
        await console.ModelReadAsync(
            scanner.RowsRead, scanner.PendingCount, scanner.PendingNewCount, scanner.ErrorCount, scanner.ReadTime,
            scanner.DetectionTime, cancellationToken).ConfigureAwait(false);

        var batchWriter = new BatchWriter(_session.Target!, services, _recorder, poller, lease, execution.SyncId, execution.Id, console);
        var batchSize = services.Options.BatchSize ?? _session.Target!.PreferredBatchSize;
        var writer = new RecordWriter(_scratch, batchWriter, _recorder, poller, batchSize, console);
        if (scanner.PendingCount > 0)
        {
            await console.WritingAsync(
                plan.IsDryRun, scanner.PendingCount, plan.TargetObject, batchSize, cancellationToken).ConfigureAwait(false);
        }

        await writer.WriteChangesAsync(cancellationToken).ConfigureAwait(false);

        // Reaching this point means the read completed, which is the condition for deleting anything. A row the
        // source could not read hides which record it belongs to, so then nothing is deleted.
        if (scanner.SawUnreadableRows)
        {
            Log.AbsentRowsKept(services.Logger, execution.SyncId, execution.Id);
            await console.AbsentRowsKeptAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (plan.DeletesAbsentRecords)
        {
            await writer.DeleteAbsentAsync(scanner.AbsentCount, cancellationToken).ConfigureAwait(false);
        }
        else if (plan.ActsOnAbsentRows && plan.Mode is SyncMode.Append or SyncMode.Snapshot or SyncMode.Remove)
        {
            await writer.ForgetAbsentAsync(scanner.AbsentCount, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns true for a sync that skips its initial backfill until one of its manual or scheduled executions has
    /// completed. A dry run then predicts that nothing is written, and a test run is never a baseline.
    /// </summary>
    private async Task<bool> IsBaselineAsync(SyncPlan plan, CancellationToken cancellationToken)
    {
        if (execution.Configuration.SkipInitialBackfill != true || plan.IsTest || plan.Identities is not null)
        {
            return false;
        }

        return !await services.Executions.HasCompletedRunAsync(execution.SyncId, execution.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops watching for cancel requests, closes the connectors and log files and deletes the scratch database.
    /// Failures are logged, not thrown.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_poller is not null)
        {
            await _poller.DisposeAsync().ConfigureAwait(false);
            _poller = null;
        }

        if (_session is not null)
        {
            try
            {
                await _session.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Log.CleanupFailed(services.Logger, exception, execution.SyncId, execution.Id, "closing connectors");
            }

            _session = null;
        }

        Cleanup(_logs, "closing record logs");
        _logs = null;
        Cleanup(_scratch, "deleting the scratch database");
        _scratch = null;
    }

    private void Cleanup(IDisposable? disposable, string step)
    {
        try
        {
            disposable?.Dispose();
        }
        catch (Exception exception)
        {
            Log.CleanupFailed(services.Logger, exception, execution.SyncId, execution.Id, step);
        }
    }
}
