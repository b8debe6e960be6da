using Microsoft.Extensions.Hosting;
using Outflow.Core.Executions;
using Quartz;

namespace Outflow.Scheduling;

/// <summary>
/// The Quartz job of one sync. Quartz never runs two instances of one job key at once, and each sync has
/// its own job key, so executions of a sync never overlap.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SyncExecutionJob(
    IExecutionRunner runner, ExecutionFollowUps followUps, IHostApplicationLifetime lifetime) : IJob
{
    public const string ExecutionIdKey = "execution_id";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var text = context.MergedJobDataMap.GetString(ExecutionIdKey);
        if (!Guid.TryParse(text, out var executionId))
        {
            return;
        }

        // Shutdown reaches the runner through the host's stopping token too, so that an execution in the
        // middle of a batch stops and is requeued instead of being cut off when the process exits.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        await runner.RunAsync(executionId, linked.Token).ConfigureAwait(false);

        // An execution stopped by shutdown is requeued, not ended, so it has no follow-ups yet.
        if (!linked.IsCancellationRequested)
        {
            await followUps.RunAsync(executionId, cancellationToken).ConfigureAwait(false);
        }
    }
}
