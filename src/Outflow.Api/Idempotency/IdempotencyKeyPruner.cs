using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Core.Idempotency;

namespace Outflow.Api.Idempotency;

/// <summary>
/// Deletes expired idempotency keys from the store once per <see cref="IdempotencyOptions.PruneInterval"/>.
/// Every API process runs one; concurrent deletes of the same rows are harmless.
/// </summary>
internal sealed class IdempotencyKeyPruner : BackgroundService
{
    private readonly IIdempotencyStore _store;
    private readonly IdempotencyOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<IdempotencyKeyPruner> _logger;

    public IdempotencyKeyPruner(
        IIdempotencyStore store, IdempotencyOptions options, TimeProvider timeProvider, ILogger<IdempotencyKeyPruner> logger)
    {
        _store = store;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PruneInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PruneAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await _store.DeleteExpiredAsync(_timeProvider.GetUtcNow(), cancellationToken);
            if (deleted > 0)
            {
                Log.IdempotencyKeysPruned(_logger, deleted);
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Log.IdempotencyPruneFailed(_logger, _options.PruneInterval.TotalSeconds, exception);
        }
    }
}
