using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;

namespace Outflow.Engine.Running;

/// <summary>
/// Watches the store's cancellation flag of an execution in the background, because a cancel request may come
/// from another node. When the flag is seen, <see cref="Requested"/> fires, which interrupts waits that can stop
/// without harm: the source query, backoff delays and state reads. A target write in flight is let finish so
/// that its checkpoint records what the target committed.
/// </summary>
internal sealed class CancellationPoller : IAsyncDisposable
{
    private readonly IExecutionStore _executions;
    private readonly Guid _executionId;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _requested = new();
    private readonly CancellationTokenSource _stopped = new();
    private Task _loop = Task.CompletedTask;

    private CancellationPoller(IExecutionStore executions, Guid executionId, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _executions = executions;
        _executionId = executionId;
        _time = time;
        _interval = interval;
        _logger = logger;
    }

    /// <summary>Fires once a user requested cancellation.</summary>
    public CancellationToken Requested => _requested.Token;

    public bool IsRequested => _requested.IsCancellationRequested;

    /// <summary>Checks the flag once, then keeps checking it every <paramref name="interval"/> until disposed.</summary>
    /// <exception cref="ExecutionCanceledException">Cancellation was requested before the execution started.</exception>
    public static async Task<CancellationPoller> StartAsync(
        IExecutionStore executions, Guid executionId, TimeProvider time, TimeSpan interval, ILogger logger,
        CancellationToken cancellationToken)
    {
        var poller = new CancellationPoller(executions, executionId, time, interval, logger);
        if (await executions.IsCancelRequestedAsync(executionId, cancellationToken).ConfigureAwait(false))
        {
            await poller.DisposeAsync().ConfigureAwait(false);
            throw new ExecutionCanceledException();
        }

        poller._loop = poller.WatchAsync();
        return poller;
    }

    /// <summary>
    /// Returns a token source that fires on either the host's token or a cancel request, for a wait that may stop
    /// at any point. The caller disposes it.
    /// </summary>
    public CancellationTokenSource Link(CancellationToken cancellationToken) =>
        CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _requested.Token);

    /// <exception cref="ExecutionCanceledException">A user requested cancellation.</exception>
    public void ThrowIfRequested()
    {
        if (_requested.IsCancellationRequested)
        {
            throw new ExecutionCanceledException();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopped.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopped.Dispose();
        _requested.Dispose();
    }

    private async Task WatchAsync()
    {
        var stop = _stopped.Token;
        try
        {
            while (true)
            {
                await Task.Delay(_interval, _time, stop).ConfigureAwait(false);
                try
                {
                    if (await _executions.IsCancelRequestedAsync(_executionId, stop).ConfigureAwait(false))
                    {
                        await _requested.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A failed store read must not stop the execution, so the next poll checks again.
                    Log.CancelPollFailed(_logger, exception, _executionId);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
