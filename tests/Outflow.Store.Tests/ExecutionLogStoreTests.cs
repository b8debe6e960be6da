using System.Text;
using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class ExecutionLogStoreTests(PostgresFixture? postgres)
{
    [Fact]
    public async Task Replace_then_list_keeps_order_and_counts()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);

        await store.LogFiles.ReplaceAsync(
            execution.Id,
            null,
            [
                Content("records", "records-0000.jsonl", "{\"a\":1}\n{\"a\":2}\n"),
                Content("records", "records-0001.jsonl", "{\"a\":3}\n"),
                Content("errors", "errors-0000.jsonl", "{\"e\":1}\n"),
            ],
            CancellationToken.None);

        var listed = await store.LogFiles.ListAsync(execution.Id, CancellationToken.None);
        Assert.Equal(["records-0000.jsonl", "records-0001.jsonl", "errors-0000.jsonl"], listed.Select(file => file.Name));
        Assert.Equal(new ExecutionLogFile("records", "records-0000.jsonl", 2, 16), listed[0]);
        Assert.Equal(new ExecutionLogFile("errors", "errors-0000.jsonl", 1, 8), listed[2]);
    }

    [Fact]
    public async Task Open_returns_the_stored_content()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);

        // Enough repeated lines that the compressed content is much smaller than the file.
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => $"{{\"identity\":{i},\"operation\":\"insert\"}}\n"));
        await store.LogFiles.ReplaceAsync(execution.Id, null, [Content("inserts", "inserts-0000.jsonl", text)], CancellationToken.None);

        Assert.Equal(text, await ReadAsync(store, execution.Id, "inserts-0000.jsonl"));
        var storedBytes = await store.ScalarAsync("SELECT SUM(LENGTH(content)) FROM execution_log_files");
        Assert.True(storedBytes < text.Length / 4, $"stored {storedBytes} bytes for a {text.Length}-byte file");
    }

    [Fact]
    public async Task Files_of_equal_length_keep_own_content()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var lines = string.Concat(Enumerable.Range(0, 3000).Select(i => $"{{\"identity\":{i},\"operation\":\"insert\"}}\n"));
        var sameLength = lines.Replace("\"identity\":2999", "\"identity\":2998", StringComparison.Ordinal);

        await store.LogFiles.ReplaceAsync(
            execution.Id,
            null,
            [
                Content("records", "records-0000.jsonl", lines),
                Content("records", "records-0001.jsonl", sameLength),
                Content("inserts", "inserts-0000.jsonl", lines),
                Content("inserts", "inserts-0001.jsonl", sameLength),
            ],
            CancellationToken.None);

        Assert.Equal(lines, await ReadAsync(store, execution.Id, "records-0000.jsonl"));
        Assert.Equal(sameLength, await ReadAsync(store, execution.Id, "records-0001.jsonl"));
        Assert.Equal(lines, await ReadAsync(store, execution.Id, "inserts-0000.jsonl"));
        Assert.Equal(sameLength, await ReadAsync(store, execution.Id, "inserts-0001.jsonl"));
    }

    [Fact]
    public async Task Open_unknown_name_returns_null()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var other = await AddExecutionAsync(store);
        await store.LogFiles.ReplaceAsync(execution.Id, null, [Content("records", "records-0000.jsonl", "{}\n")], CancellationToken.None);

        Assert.Null(await store.LogFiles.OpenAsync(execution.Id, "records-0001.jsonl", CancellationToken.None));
        Assert.Null(await store.LogFiles.OpenAsync(other.Id, "records-0000.jsonl", CancellationToken.None));
        Assert.Empty(await store.LogFiles.ListAsync(other.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Replace_drops_files_of_earlier_store()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        await store.LogFiles.ReplaceAsync(
            execution.Id,
            null,
            [Content("records", "records-0000.jsonl", "old\n"), Content("errors", "errors-0000.jsonl", "old error\n")],
            CancellationToken.None);

        await store.LogFiles.ReplaceAsync(execution.Id, null, [Content("records", "records-0000.jsonl", "new\n")], CancellationToken.None);

        var listed = await store.LogFiles.ListAsync(execution.Id, CancellationToken.None);
        Assert.Equal(["records-0000.jsonl"], listed.Select(file => file.Name));
        Assert.Equal("new\n", await ReadAsync(store, execution.Id, "records-0000.jsonl"));
        Assert.Null(await store.LogFiles.OpenAsync(execution.Id, "errors-0000.jsonl", CancellationToken.None));
    }

    [Fact]
    public async Task Replace_with_no_files_deletes_them()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        await store.LogFiles.ReplaceAsync(execution.Id, null, [Content("records", "records-0000.jsonl", "{}\n")], CancellationToken.None);

        await store.LogFiles.ReplaceAsync(execution.Id, null, [], CancellationToken.None);

        Assert.Empty(await store.LogFiles.ListAsync(execution.Id, CancellationToken.None));
        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM execution_log_files"));
    }

    [Fact]
    public async Task Replace_unknown_execution_throws()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.LogFiles.ReplaceAsync(
            Guid.NewGuid(), null, [Content("records", "records-0000.jsonl", "{}\n")], CancellationToken.None));

        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM execution_log_files"));
    }

    [Fact]
    public async Task Large_file_round_trips()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);

        // Hex digits of a seeded generator compress poorly, so the stored content spans many pages and buffers.
        var random = new Random(7);
        var text = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"{{\"id\":{i},\"v\":\"{random.NextInt64():x16}{random.NextInt64():x16}\"}}\n"));
        await store.LogFiles.ReplaceAsync(execution.Id, null, [Content("inserts", "inserts-0000.jsonl", text)], CancellationToken.None);

        Assert.Equal(text, await ReadAsync(store, execution.Id, "inserts-0000.jsonl"));
        Assert.True(await store.ScalarAsync("SELECT SUM(LENGTH(content)) FROM execution_log_files") > 1_000_000);
    }

    [Fact]
    public async Task Unreadable_file_keeps_earlier_files()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        await store.LogFiles.ReplaceAsync(execution.Id, null, [Content("records", "records-0000.jsonl", "old\n")], CancellationToken.None);

        var broken = new ExecutionLogFileContent(
            new ExecutionLogFile("records", "records-0001.jsonl", 1, 4), () => new FailingStream(new string('x', 200_000)));
        await Assert.ThrowsAsync<IOException>(() => store.LogFiles.ReplaceAsync(
            execution.Id, null, [Content("records", "records-0000.jsonl", "new\n"), broken], CancellationToken.None));

        var listed = await store.LogFiles.ListAsync(execution.Id, CancellationToken.None);
        Assert.Equal(["records-0000.jsonl"], listed.Select(file => file.Name));
        Assert.Equal("old\n", await ReadAsync(store, execution.Id, "records-0000.jsonl"));
    }

    [Fact]
    public async Task Open_stream_outlives_other_writes()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var other = await AddExecutionAsync(store);
        var text = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{{\"id\":{i}}}\n"));
        await store.LogFiles.ReplaceAsync(execution.Id, null, [Content("inserts", "inserts-0000.jsonl", text)], CancellationToken.None);

        var stream = await store.LogFiles.OpenAsync(execution.Id, "inserts-0000.jsonl", CancellationToken.None);
        Assert.NotNull(stream);
        await using (stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var first = await reader.ReadLineAsync();
            await store.LogFiles.ReplaceAsync(other.Id, null, [Content("records", "records-0000.jsonl", "{}\n")], CancellationToken.None);
            Assert.Equal(text, first + "\n" + await reader.ReadToEndAsync());
        }

        Assert.Equal("{}\n", await ReadAsync(store, other.Id, "records-0000.jsonl"));
    }

    private static async Task<Execution> AddExecutionAsync(TestStore store)
    {
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        return await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddMinutes(1));
    }

    /// <summary>Describes a file with the given text, counting its lines and UTF-8 bytes.</summary>
    private static ExecutionLogFileContent Content(string type, string name, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var file = new ExecutionLogFile(type, name, bytes.Count(b => b == (byte)'\n'), bytes.Length);
        return new ExecutionLogFileContent(file, () => new MemoryStream(bytes, writable: false));
    }

    private static async Task<string> ReadAsync(TestStore store, Guid executionId, string name)
    {
        var stream = await store.LogFiles.OpenAsync(executionId, name, CancellationToken.None);
        Assert.NotNull(stream);
        await using (stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync();
        }
    }

    /// <summary>Returns the bytes of a text, then fails the way a file on a broken disk would.</summary>
    private sealed class FailingStream(string text) : MemoryStream(Encoding.UTF8.GetBytes(text), writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the log file could not be read");
            }

            return read;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            if (read == 0)
            {
                throw new IOException("the log file could not be read");
            }

            return read;
        }
    }
}
