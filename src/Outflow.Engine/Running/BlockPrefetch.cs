using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Outflow.Engine.Running;

/// <summary>
/// Fills blocks of items in a thread-pool task while the caller works through the blocks already filled, so a read
/// from a source or the store runs beside the work on what it returned. A fixed number of blocks circulates between
/// the two sides: the filling side waits for a block the caller has returned. A fill may return a block before it is
/// full, which lets it bound a block's bytes or the wait for its first items.
/// </summary>
/// <typeparam name="T">The item; a block's items may be reused objects that <c>fill</c> overwrites.</typeparam>
internal sealed class BlockPrefetch<T> : IAsyncDisposable
{
    private readonly Channel<Block> _free = Channel.CreateUnbounded<Block>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Block> _filled = Channel.CreateUnbounded<Block>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop;
    private readonly Task _filling;
    private Block? _current;
    private int _index;
    private ExceptionDispatchInfo? _failure;
    private bool _ended;

    /// <param name="blocks">How many blocks circulate; the filling side runs at most this many blocks ahead.</param>
    /// <param name="blockSize">The most items a block holds.</param>
    /// <param name="fill">
    /// Fills a block from its start and returns how many items it holds, at least one. Zero ends the items.
    /// </param>
    /// <param name="cancellationToken">Stops the filling side.</param>
    public BlockPrefetch(
        int blocks, int blockSize, Func<T[], CancellationToken, ValueTask<int>> fill,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        for (var i = 0; i < blocks; i++)
        {
            _free.Writer.TryWrite(new Block(new T[blockSize]));
        }

        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _filling = Task.Run(() => FillAsync(fill, _stop.Token), CancellationToken.None);
    }

    /// <summary>The item <see cref="MoveNextAsync"/> moved to, valid until the next move.</summary>
    public T Current => _current!.Items[_index];

    /// <summary>Moves to the next item; returns false after the last one.</summary>
    /// <exception cref="Exception">Whatever <c>fill</c> threw, with its own stack trace.</exception>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (_current is not null && ++_index < _current.Count)
        {
            return true;
        }

        if (_current is not null)
        {
            _free.Writer.TryWrite(_current);
            _current = null;
        }

        if (await _filled.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) &&
            _filled.Reader.TryRead(out var block))
        {
            _current = block;
            _index = 0;
            return true;
        }

        _failure?.Throw();
        return _ended ? false : throw new ObjectDisposedException(nameof(BlockPrefetch<T>));
    }

    /// <summary>Stops the filling side, cancelling a fill in progress, and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _free.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _filling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task FillAsync(Func<T[], CancellationToken, ValueTask<int>> fill, CancellationToken cancellationToken)
    {
        try
        {
            while (await _free.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!_free.Reader.TryRead(out var block))
                {
                    continue;
                }

                block.Count = await fill(block.Items, cancellationToken).ConfigureAwait(false);
                if (block.Count == 0)
                {
                    _ended = true;
                    break;
                }

                _filled.Writer.TryWrite(block);
            }
        }
        catch (Exception exception)
        {
            // The caller sees the failure, a cancellation included, after the blocks filled before it.
            _failure = ExceptionDispatchInfo.Capture(exception);
        }
        finally
        {
            _filled.Writer.TryComplete();
        }
    }

    private sealed class Block(T[] items)
    {
        public T[] Items { get; } = items;

        public int Count { get; set; }
    }
}
