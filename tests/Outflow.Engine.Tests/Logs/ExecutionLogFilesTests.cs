using System.Text;
using Outflow.Core.Executions;
using Outflow.Engine.Logs;

namespace Outflow.Engine.Tests.Logs;

public sealed class ExecutionLogFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "outflow-logs-" + Guid.NewGuid().ToString("N"));
    private readonly Guid _executionId = Guid.NewGuid();
    private readonly MemoryLogStore _store = new();

    [Fact]
    public async Task Store_copies_complete_lines_of_local_files()
    {
        WriteLocal("records-0000.jsonl", "{\"a\":1}\n{\"a\":2}\n");
        WriteLocal("errors-0000.jsonl", "{\"e\":1}\n{\"e\":");
        var files = NewFiles();

        var stored = await files.StoreAsync(_executionId, null, CancellationToken.None);

        Assert.Equal(2, stored);
        Assert.Equal(
            [new ExecutionLogFile("records", "records-0000.jsonl", 2, 16), new ExecutionLogFile("errors", "errors-0000.jsonl", 1, 8)],
            _store.Files[_executionId].Select(file => file.File));
        Assert.Equal("{\"a\":1}\n{\"a\":2}\n", _store.Files[_executionId][0].Text);
        Assert.Equal("{\"e\":1}\n", _store.Files[_executionId][1].Text);
    }

    [Fact]
    public async Task Store_without_local_files_clears_stored_files()
    {
        _store.Add(_executionId, "records", "records-0000.jsonl", "stale\n");
        var files = NewFiles();

        Assert.Equal(0, await files.StoreAsync(_executionId, null, CancellationToken.None));

        Assert.Empty(_store.Files[_executionId]);
    }

    [Fact]
    public async Task Stored_files_take_precedence_over_local()
    {
        WriteLocal("records-0000.jsonl", "local\n");
        WriteLocal("errors-0000.jsonl", "local error\n");
        _store.Add(_executionId, "records", "records-0000.jsonl", "stored\n");
        var files = NewFiles();

        var listed = await files.ListAsync(_executionId, CancellationToken.None);
        var errors = await files.ListNamesAsync(_executionId, "errors", CancellationToken.None);

        Assert.Equal(["records-0000.jsonl"], listed.Select(file => file.Name));
        Assert.Empty(errors);
        Assert.Equal("stored\n", await ReadAsync(files, "records-0000.jsonl"));
        Assert.Null(await files.OpenAsync(_executionId, "errors-0000.jsonl", CancellationToken.None));
    }

    [Fact]
    public async Task No_stored_files_reads_local_files()
    {
        WriteLocal("records-0000.jsonl", "local\n");
        WriteLocal("errors-0000.jsonl", "local error\n");
        var files = NewFiles();

        var listed = await files.ListAsync(_executionId, CancellationToken.None);
        var errors = await files.ListNamesAsync(_executionId, "errors", CancellationToken.None);

        Assert.Equal(["records-0000.jsonl", "errors-0000.jsonl"], listed.Select(file => file.Name));
        Assert.Equal(["errors-0000.jsonl"], errors);
        Assert.Equal("local error\n", await ReadAsync(files, "errors-0000.jsonl"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private ExecutionLogFiles NewFiles() =>
        new(new EngineOptions { LogsDirectory = _root, ScratchDirectory = Path.Combine(_root, "scratch") }, _store);

    private void WriteLocal(string name, string content)
    {
        var directory = Path.Combine(_root, _executionId.ToString());
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name), content);
    }

    private async Task<string> ReadAsync(ExecutionLogFiles files, string name)
    {
        var stream = await files.OpenAsync(_executionId, name, CancellationToken.None);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>An <see cref="IExecutionLogStore"/> that keeps each stored file's text in memory.</summary>
    private sealed class MemoryLogStore : IExecutionLogStore
    {
        public Dictionary<Guid, List<(ExecutionLogFile File, string Text)>> Files { get; } = [];

        public void Add(Guid executionId, string type, string name, string text)
        {
            var file = new ExecutionLogFile(type, name, text.Count(c => c == '\n'), Encoding.UTF8.GetByteCount(text));
            Files.TryAdd(executionId, []);
            Files[executionId].Add((file, text));
        }

        public async Task ReplaceAsync(
            Guid executionId, string? leaseToken, IReadOnlyList<ExecutionLogFileContent> files, CancellationToken cancellationToken)
        {
            var replaced = new List<(ExecutionLogFile, string)>();
            foreach (var file in files)
            {
                await using var stream = file.OpenContent();
                using var reader = new StreamReader(stream, Encoding.UTF8);
                replaced.Add((file.File, await reader.ReadToEndAsync(cancellationToken)));
            }

            Files[executionId] = replaced;
        }

        public Task<IReadOnlyList<ExecutionLogFile>> ListAsync(Guid executionId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ExecutionLogFile>>(
                Files.TryGetValue(executionId, out var files) ? files.Select(file => file.File).ToList() : []);

        public Task<Stream?> OpenAsync(Guid executionId, string name, CancellationToken cancellationToken)
        {
            var text = Files.GetValueOrDefault(executionId)?.FirstOrDefault(file => file.File.Name == name).Text;
            return Task.FromResult<Stream?>(text is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(text)));
        }
    }
}
