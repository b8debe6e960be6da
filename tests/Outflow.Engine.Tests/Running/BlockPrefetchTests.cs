using Outflow.Engine.Running;

namespace Outflow.Engine.Tests.Running;

public sealed class BlockPrefetchTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(1_000)]
    public async Task Items_arrive_in_order_once_each(int count)
    {
        var next = 0;
        var prefetch = new BlockPrefetch<int>(2, 8, (block, _) => ValueTask.FromResult(Fill(block, ref next, count)), default);
        var seen = new List<int>();
        await using (prefetch)
        {
            while (await prefetch.MoveNextAsync(default))
            {
                seen.Add(prefetch.Current);
            }

            Assert.False(await prefetch.MoveNextAsync(default));
        }

        Assert.Equal(Enumerable.Range(0, count), seen);
    }

    [Fact]
    public async Task Fill_stops_at_block_count_and_reuses_blocks()
    {
        var filled = 0;
        var blocks = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var prefetch = new BlockPrefetch<int>(
            3, 4,
            (block, _) =>
            {
                lock (blocks)
                {
                    blocks.Add(block);
                }

                Interlocked.Add(ref filled, block.Length);
                return ValueTask.FromResult(block.Length);
            },
            default);
        await using (prefetch)
        {
            Assert.True(await prefetch.MoveNextAsync(default));

            // Three blocks of four items exist, so without the caller returning one the filling side stops at 12.
            for (var waits = 0; waits < 1_000 && Volatile.Read(ref filled) < 12; waits++)
            {
                await Task.Delay(10);
            }

            await Task.Delay(100);
            Assert.Equal(12, Volatile.Read(ref filled));
            for (var i = 0; i < 40; i++)
            {
                Assert.True(await prefetch.MoveNextAsync(default));
            }
        }

        Assert.Equal(3, blocks.Count);
    }

    [Fact]
    public async Task Partial_blocks_arrive_as_filled()
    {
        // A fill may hand over fewer items than a block holds, and only zero ends the items.
        var calls = 0;
        var prefetch = new BlockPrefetch<int>(
            2, 8,
            (block, _) =>
            {
                if (++calls > 5)
                {
                    return ValueTask.FromResult(0);
                }

                block[0] = calls;
                return ValueTask.FromResult(1);
            },
            default);
        var seen = new List<int>();
        await using (prefetch)
        {
            while (await prefetch.MoveNextAsync(default))
            {
                seen.Add(prefetch.Current);
            }
        }

        Assert.Equal([1, 2, 3, 4, 5], seen);
    }

    [Fact]
    public async Task Failure_arrives_after_earlier_items()
    {
        var calls = 0;
        var prefetch = new BlockPrefetch<int>(
            4, 2,
            (block, _) => ++calls == 1
                ? ValueTask.FromResult(Fill(block, 2))
                : ValueTask.FromException<int>(new InvalidOperationException("source broke")),
            default);
        await using (prefetch)
        {
            Assert.True(await prefetch.MoveNextAsync(default));
            Assert.True(await prefetch.MoveNextAsync(default));
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => prefetch.MoveNextAsync(default).AsTask());
            Assert.Equal("source broke", failure.Message);
        }
    }

    [Fact]
    public async Task Canceled_fill_is_not_the_end()
    {
        using var canceled = new CancellationTokenSource();
        var prefetch = new BlockPrefetch<int>(
            2, 2,
            async (block, token) =>
            {
                await canceled.CancelAsync();
                await Task.Delay(Timeout.Infinite, token);
                return 0;
            },
            canceled.Token);
        await using (prefetch)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => prefetch.MoveNextAsync(CancellationToken.None).AsTask());
        }
    }

    [Fact]
    public async Task Dispose_stops_a_waiting_fill()
    {
        var started = new TaskCompletionSource();
        var stopped = new TaskCompletionSource();
        var prefetch = new BlockPrefetch<int>(
            2, 2,
            async (block, token) =>
            {
                started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                finally
                {
                    stopped.TrySetResult();
                }

                return 0;
            },
            default);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await prefetch.DisposeAsync();
        Assert.True(stopped.Task.IsCompleted);
    }

    private static int Fill(int[] block, int count)
    {
        for (var i = 0; i < count; i++)
        {
            block[i] = i;
        }

        return count;
    }

    private static int Fill(int[] block, ref int next, int count)
    {
        var filled = 0;
        while (filled < block.Length && next < count)
        {
            block[filled++] = next++;
        }

        return filled;
    }
}
