using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Outflow.Engine.Logs;

/// <summary>
/// One type of record log, as JSON Lines files named <c>{type}-{n:0000}.jsonl</c>, starting a new file after
/// <see cref="MaxLinesPerFile"/> lines. Lines are buffered; <see cref="Flush"/> pushes them to the file.
/// </summary>
internal sealed class RecordLogFile : IDisposable
{
    public const int MaxLinesPerFile = 100_000;

    private readonly string _directory;
    private readonly string _prefix;
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json;
    private FileStream? _stream;
    private int _fileNumber = -1;
    private int _linesInFile;

    public RecordLogFile(string directory, string prefix)
    {
        _directory = directory;
        _prefix = prefix;
        _json = new Utf8JsonWriter(_line);
    }

    /// <summary>Appends one line <c>{"identity", "key", "message", "fields"}</c>.</summary>
    public void Write(object? identity, string key, string message, IReadOnlyList<string> fieldNames, ReadOnlySpan<object?> values)
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        _json.WriteStartObject();
        _json.WritePropertyName("identity");
        JsonValueWriter.Write(_json, identity);
        _json.WriteString("key", key);
        _json.WriteString("message", message);
        _json.WriteStartObject("fields");
        for (var i = 0; i < values.Length; i++)
        {
            _json.WritePropertyName(fieldNames[i]);
            JsonValueWriter.Write(_json, values[i]);
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();

        var stream = CurrentStream();
        stream.Write(_line.WrittenSpan);
        stream.WriteByte((byte)'\n');
        _linesInFile++;
    }

    public void Flush() => _stream?.Flush();

    public void Dispose()
    {
        _stream?.Dispose();
        _json.Dispose();
    }

    private FileStream CurrentStream()
    {
        if (_stream is not null && _linesInFile < MaxLinesPerFile)
        {
            return _stream;
        }

        _stream?.Dispose();
        _fileNumber++;
        _linesInFile = 0;
        Directory.CreateDirectory(_directory);
        var name = $"{_prefix}-{_fileNumber.ToString("0000", CultureInfo.InvariantCulture)}.jsonl";

        _stream = new FileStream(Path.Combine(_directory, name), FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024);
        return _stream;
    }
}
