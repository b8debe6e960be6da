namespace Outflow.Scheduling;

/// <summary>
/// The number of Quartz jobs that run in this process, which <see cref="ExecutionDrainService"/> waits to reach
/// zero at shutdown so that jobs hand their executions back while Quartz's scheduler still runs.
/// </summary>
internal sealed class RunningJobs
{
    private readonly Lock _lock = new();
    private int _count;
    private TaskCompletionSource _idle = CompletedSource();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Counts a job as running until the returned value is disposed.</summary>
    public IDisposable Enter()
    {
        lock (_lock)
        {
            if (_count++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return new Exit(this);
    }

    /// <summary>Completes when no job runs, or at once when none runs now.</summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    private void Leave()
    {
        lock (_lock)
        {
            if (--_count == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    private sealed class Exit(RunningJobs owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Leave();
            }
        }
    }
}
