using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Outflow.Core.Connectors;

namespace Outflow.Engine.Logs;

/// <summary>
/// One type of record log, as JSON Lines files named <c>{type}-{n:0000}.jsonl</c>, starting a new file after
/// <see cref="MaxLinesPerFile"/> lines. Lines are buffered; <see cref="Flush"/> pushes them to the file. A log opened
/// to continue keeps the lines that an earlier attempt of the execution checkpointed and appends after them.
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

    /// <param name="directory">The execution's log directory.</param>
    /// <param name="prefix">The log type, which starts each file name.</param>
    /// <param name="keepLines">
    /// To continue an earlier attempt: how many of its lines the execution's last checkpoint counted. Lines after those
    /// belong to writes that the resumed execution makes again, so they are cut off. Null starts a new log.
    /// </param>
    public RecordLogFile(string directory, string prefix, long? keepLines = null)
    {
        _directory = directory;
        _prefix = prefix;
        _json = new Utf8JsonWriter(_line);
        if (keepLines is { } keep)
        {
            OpenAfter(keep);
        }
    }

    /// <summary>Appends one line <c>{"identity", "key", "message", "fields"}</c>.</summary>
    public void Write(object? identity, string key, string message, IReadOnlyList<string> fieldNames, ReadOnlySpan<object?> values)
    {
        Start(identity);
        _json.WriteString("key", key);
        _json.WriteString("message", message);
        Finish(fieldNames, values);
    }

    /// <summary>Appends one line <c>{"identity", "operation", "fields"}</c>.</summary>
    public void WriteChange(object? identity, string operation, IReadOnlyList<string> fieldNames, ReadOnlySpan<object?> values)
    {
        Start(identity);
        _json.WriteString("operation", operation);
        Finish(fieldNames, values);
    }

    /// <summary>Appends the line that the last call to <see cref="WriteChange"/> of <paramref name="other"/> wrote.</summary>
    public void CopyLastLine(RecordLogFile other) => Append(other._line.WrittenSpan);

    public void Flush() => _stream?.Flush();

    public void Dispose() => Disposables.DisposeAll(_stream, _json);

    private void Start(object? identity)
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        _json.WriteStartObject();
        _json.WritePropertyName("identity");
        JsonValueWriter.Write(_json, identity);
    }

    private void Finish(IReadOnlyList<string> fieldNames, ReadOnlySpan<object?> values)
    {
        _json.WriteStartObject("fields");
        for (var i = 0; i < values.Length; i++)
        {
            _json.WritePropertyName(fieldNames[i]);
            JsonValueWriter.Write(_json, values[i]);
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        Append(_line.WrittenSpan);
    }

    private void Append(ReadOnlySpan<byte> line)
    {
        var stream = CurrentStream();
        stream.Write(line);
        stream.WriteByte((byte)'\n');
        _linesInFile++;
    }

    /// <summary>
    /// Keeps the first <paramref name="keep"/> complete lines of an earlier attempt's files, deletes the rest, and opens
    /// the file of the last kept line for appending. When the files contain fewer lines, as on a worker that did not
    /// run the earlier attempt, every complete line is kept.
    /// </summary>
    private void OpenAfter(long keep)
    {
        if (!Directory.Exists(_directory))
        {
            return;
        }

        var files = Directory.EnumerateFiles(_directory, $"{_prefix}-*.jsonl")
            .Select(path => (Path: path, Number: ParseNumber(Path.GetFileNameWithoutExtension(path))))
            .Where(file => file.Number >= 0)
            .OrderBy(file => file.Number)
            .ToList();
        var keptLines = 0L;
        foreach (var (path, number) in files)
        {
            if (keptLines == keep && (keep == 0 || _stream is not null))
            {
                File.Delete(path);
                continue;
            }

            // Lines reach the file before the checkpoint that counts them, so a crash can leave extra and partial lines.
            var bytes = File.ReadAllBytes(path);
            var end = 0;
            var lines = 0;
            while (keptLines + lines < keep && Array.IndexOf(bytes, (byte)'\n', end) is var newline and >= 0)
            {
                end = newline + 1;
                lines++;
            }

            _stream?.Dispose();
            _stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read, 64 * 1024);
            _stream.SetLength(end);
            _stream.Seek(end, SeekOrigin.Begin);
            _fileNumber = number;
            _linesInFile = lines;
            keptLines += lines;
        }
    }

    private int ParseNumber(string name) =>
        int.TryParse(name.AsSpan(_prefix.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;

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
