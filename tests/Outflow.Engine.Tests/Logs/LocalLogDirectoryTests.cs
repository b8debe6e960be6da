using System.Text;
using Outflow.Engine.Logs;

namespace Outflow.Engine.Tests.Logs;

public sealed class LocalLogDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "outflow-logs-" + Guid.NewGuid().ToString("N"));
    private readonly Guid _executionId = Guid.NewGuid();

    [Fact]
    public async Task Open_partial_last_line_serves_complete_lines()
    {
        var files = WriteLog("errors-0001.jsonl", "{\"a\":1}\n{\"b\":2}\n{\"c\":");

        await using var stream = files.Open(_executionId, "errors-0001.jsonl")!;
        using var reader = new StreamReader(stream, Encoding.UTF8);

        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", await reader.ReadToEndAsync());
    }

    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("{\"c\":", 0, 0)]
    [InlineData("{\"a\":1}\n", 1, 8)]
    [InlineData("{\"a\":1}\n{\"b\":2}\n{\"c\":", 2, 16)]
    public async Task List_counts_complete_lines_only(string content, long records, long bytes)
    {
        var files = WriteLog("records-0001.jsonl", content);

        var listed = Assert.Single(await files.ListAsync(_executionId, CancellationToken.None));

        Assert.Equal(records, listed.Records);
        Assert.Equal(bytes, listed.Bytes);
        await using var stream = files.Open(_executionId, "records-0001.jsonl")!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.Length);
    }

    [Fact]
    public async Task Open_line_longer_than_scan_chunk_finds_newline()
    {
        var longLine = new string('x', 10_000);
        var files = WriteLog("warnings-0001.jsonl", longLine + "\n" + longLine);

        await using var stream = files.Open(_executionId, "warnings-0001.jsonl")!;
        using var reader = new StreamReader(stream, Encoding.UTF8);

        Assert.Equal(longLine + "\n", await reader.ReadToEndAsync());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private LocalLogDirectory WriteLog(string name, string content)
    {
        var directory = Path.Combine(_root, _executionId.ToString());
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name), content);
        return new LocalLogDirectory(_root);
    }
}
