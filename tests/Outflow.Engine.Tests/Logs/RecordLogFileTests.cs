using Outflow.Engine.Logs;

namespace Outflow.Engine.Tests.Logs;

/// <summary>A record log continued by a resumed execution keeps the checkpointed lines and drops the rest.</summary>
public sealed class RecordLogFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "outflow-record-log-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(0, new string[0])]
    [InlineData(2, new[] { "1", "2" })]
    [InlineData(3, new[] { "1", "2", "3" })]
    [InlineData(10, new[] { "1", "2", "3", "4" })]
    public void Resume_keeps_checkpointed_lines(long keep, string[] expected)
    {
        // Four complete lines and a partial one, as a crash after a flush and before its checkpoint leaves them.
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "inserts-0000.jsonl"), "{\"identity\":1}\n{\"identity\":2}\n{\"identity\":3}\n");
        File.WriteAllText(Path.Combine(_directory, "inserts-0001.jsonl"), "{\"identity\":4}\n{\"identi");

        using (var file = new RecordLogFile(_directory, "inserts", keep))
        {
            file.WriteChange("new", "insert", [], []);
        }

        Assert.Equal([.. expected, "\"new\""], ReadIdentities());
    }

    [Fact]
    public void Resume_after_own_lines_drops_uncounted()
    {
        using (var file = new RecordLogFile(_directory, "inserts"))
        {
            file.WriteChange(1, "insert", [], []);
            file.WriteChange(2, "insert", [], []);
        }

        using (var resumed = new RecordLogFile(_directory, "inserts", keepLines: 1))
        {
            resumed.WriteChange(3, "insert", [], []);
        }

        Assert.Equal(["\"1\"", "\"3\""], ReadIdentities());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Reads the identity of every line of every inserts file, in file order.</summary>
    private List<string> ReadIdentities() =>
        Directory.EnumerateFiles(_directory, "inserts-*.jsonl")
            .Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("identity").GetRawText())
            .ToList();
}
