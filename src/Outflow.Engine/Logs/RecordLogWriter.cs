namespace Outflow.Engine.Logs;

/// <summary>
/// The record logs of one execution, under <c>{logs directory}/{execution id}/</c>. Files are created on
/// their first line, so an execution without errors has no errors file.
/// </summary>
// TODO: the records, inserts, updates and deletes logs are not written yet.
internal sealed class RecordLogWriter : IDisposable
{
    private readonly RecordLogFile _errors;
    private readonly RecordLogFile _warnings;

    public RecordLogWriter(string logsDirectory, Guid executionId)
    {
        var directory = Path.Combine(logsDirectory, executionId.ToString());

        // A resumed execution counts its record errors and warnings again, so the files of its earlier attempt go.
        if (Directory.Exists(directory))
        {
            foreach (var stale in Directory.EnumerateFiles(directory, "errors-*.jsonl")
                .Concat(Directory.EnumerateFiles(directory, "warnings-*.jsonl")))
            {
                File.Delete(stale);
            }
        }

        _errors = new RecordLogFile(directory, "errors");
        _warnings = new RecordLogFile(directory, "warnings");
    }

    public void Write(
        RecordLogType type, object? identity, string key, string message, IReadOnlyList<string> fieldNames, ReadOnlySpan<object?> values)
    {
        var file = type == RecordLogType.Errors ? _errors : _warnings;
        file.Write(identity, key, message, fieldNames, values);
    }

    /// <summary>Writes buffered lines to the files. Called before each checkpoint so that the logs never lag the counts.</summary>
    public void Flush()
    {
        _errors.Flush();
        _warnings.Flush();
    }

    public void Dispose()
    {
        _errors.Dispose();
        _warnings.Dispose();
    }
}
