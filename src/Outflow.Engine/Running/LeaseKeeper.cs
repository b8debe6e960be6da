using Microsoft.Extensions.Logging;
using Outflow.Core.Executions;

namespace Outflow.Engine.Running;

/// <summary>
/// Keeps one run's execution lease: renews it in the background every third of the lease, and checks it before each
/// target write and checkpoint. Elapsed time comes from the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>),
/// so a wall-clock jump cannot make a lost lease look held. Once the lease is lost, <see cref="Lost"/> fires and
/// every later check throws, so a process that was paused past its lease writes nothing after it resumes.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly IExecutionStore _executions;
    private readonly Guid _executionId;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stopped = new();
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private long _heldSince;
    private Task _loop = Task.CompletedTask;

    // claimedAt is the monotonic timestamp taken before the claim, from which the first lease counts.
    public LeaseKeeper(
        IExecutionStore executions, Guid executionId, string token, TimeSpan duration, long claimedAt, TimeProvider time,
        ILogger logger)
    {
        _executions = executions;
        _executionId = executionId;
        Token = token;
        _duration = duration;
        _heldSince = claimedAt;
        _time = time;
        _logger = logger;
    }

    /// <summary>The lease token that fences this run's store writes.</summary>
    public string Token { get; }

    /// <summary>Fires once the lease is lost.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Starts renewing the lease in the background until disposed.</summary>
    public void Start() => _loop = RenewPeriodicallyAsync();

    /// <summary>
    /// Renews the lease first when the last successful renewal began more than half a lease ago, so that the write
    /// that follows starts with at least half a lease left.
    /// </summary>
    /// <exception cref="LeaseLostException">Another claim replaced the token, or the lease may have expired.</exception>
    public async Task EnsureHeldAsync(CancellationToken cancellationToken)
    {
        ThrowIfLost();
        if (_time.GetElapsedTime(Interlocked.Read(ref _heldSince)) > _duration / 2)
        {
            await RenewAsync(cancellationToken).ConfigureAwait(false);
        }

        ThrowIfLost();
    }

    /// <summary>
    /// Renews the lease now and returns whether this worker still holds it, so that a failure caused by another
    /// worker's takeover, such as a target session the server ended during a pause, is not reported as the
    /// execution's failure. When the store cannot be reached, the result is what this worker last knew.
    /// </summary>
    public async Task<bool> ConfirmHeldAsync()
    {
        try
        {
            await RenewAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LeaseCheckFailed(_logger, exception, _executionId);
        }

        return !IsLost;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopped.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopped.Dispose();
        _lost.Dispose();
        _renewing.Dispose();
    }

    private void ThrowIfLost()
    {
        if (_lost.IsCancellationRequested)
        {
            throw new LeaseLostException(
                $"Execution {_executionId} lost its lease: another worker may have claimed it, so this worker stopped writing.");
        }
    }

    /// <summary>
    /// Extends the lease by a full lease from now. The new expiry is counted from the moment before the request, so a
    /// slow response only makes the lease look shorter here than it is in the store.
    /// </summary>
    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsLost)
            {
                return;
            }

            var requestedAt = _time.GetTimestamp();
            if (_time.GetElapsedTime(Interlocked.Read(ref _heldSince)) >= _duration)
            {
                // Another worker may have claimed the execution already, even if the token still matches when asked.
                await LoseAsync("the last renewal is older than the lease").ConfigureAwait(false);
                return;
            }

            var renewed = await _executions.RenewLeaseAsync(_executionId, Token, _time.GetUtcNow() + _duration, cancellationToken)
                .ConfigureAwait(false);
            if (renewed)
            {
                Interlocked.Exchange(ref _heldSince, requestedAt);
            }
            else
            {
                await LoseAsync("the store holds another lease token, or the execution ended").ConfigureAwait(false);
            }
        }
        finally
        {
            _renewing.Release();
        }
    }

    private async Task LoseAsync(string reason)
    {
        Log.LeaseLost(_logger, _executionId, reason);
        await _lost.CancelAsync().ConfigureAwait(false);
    }

    private async Task RenewPeriodicallyAsync()
    {
        var stop = _stopped.Token;
        try
        {
            while (!IsLost)
            {
                await Task.Delay(_duration / 3, _time, stop).ConfigureAwait(false);
                try
                {
                    await RenewAsync(stop).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A failed renewal is retried at the next interval. The lease counts as lost once a whole lease
                    // passes without a successful one.
                    Log.LeaseRenewalFailed(_logger, exception, _executionId);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
