using Outflow.Core.Executions;

namespace Outflow.Engine.Running;

/// <summary>Checks the store's cancellation flag of an execution, because a cancel request may come from another node.</summary>
internal sealed class CancellationPoller(IExecutionStore executions, Guid executionId, TimeProvider time, TimeSpan interval)
{
    private long _lastCheck = time.GetTimestamp();

    /// <summary>Checks the flag when at least the poll interval passed since the last check.</summary>
    /// <exception cref="ExecutionCanceledException">A user requested cancellation.</exception>
    public async ValueTask PollAsync(CancellationToken cancellationToken)
    {
        if (time.GetElapsedTime(_lastCheck) >= interval)
        {
            await ThrowIfRequestedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <exception cref="ExecutionCanceledException">A user requested cancellation.</exception>
    public async ValueTask ThrowIfRequestedAsync(CancellationToken cancellationToken)
    {
        _lastCheck = time.GetTimestamp();
        if (await executions.IsCancelRequestedAsync(executionId, cancellationToken).ConfigureAwait(false))
        {
            throw new ExecutionCanceledException();
        }
    }
}
