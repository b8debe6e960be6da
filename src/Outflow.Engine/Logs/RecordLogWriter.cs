using Outflow.Core.Executions;

namespace Outflow.Engine.Logs;

/// <summary>
/// The record logs of one execution, under <c>{logs directory}/{execution id}/</c>. Files are created on
/// their first line, so an execution without errors has no errors file.
/// </summary>
internal sealed class RecordLogWriter : IDisposable
{
    private readonly RecordLogFile _records;
    private readonly RecordLogFile _inserts;
    private readonly RecordLogFile _updates;
    private readonly RecordLogFile _deletes;
    private readonly RecordLogFile _errors;
    private readonly RecordLogFile _warnings;

    /// <param name="logsDirectory">The directory of every execution's record logs.</param>
    /// <param name="executionId">The execution, whose logs go into a directory of its id.</param>
    /// <param name="checkpointed">
    /// The execution's counts at its last checkpoint: a resumed execution keeps that many lines of each change log and
    /// writes the records after them again.
    /// </param>
    public RecordLogWriter(string logsDirectory, Guid executionId, ExecutionCounts checkpointed)
    {
        var directory = Path.Combine(logsDirectory, executionId.ToString());

        // A resumed execution counts its record errors and warnings again, so the files of its earlier attempt go.
        // Checkpointed records are not written again, so their lines stay and the logs continue after them.
        // NOTE: value_coerced warnings of records the earlier attempt wrote go with those files and are not counted again.
        if (Directory.Exists(directory))
        {
            foreach (var stale in Directory.EnumerateFiles(directory, $"{ExecutionLogTypes.Errors}-*.jsonl")
                .Concat(Directory.EnumerateFiles(directory, $"{ExecutionLogTypes.Warnings}-*.jsonl")))
            {
                File.Delete(stale);
            }
        }

        var written = checkpointed.Insert + checkpointed.Update + checkpointed.Delete;
        _records = new RecordLogFile(directory, ExecutionLogTypes.Records, written);
        _inserts = new RecordLogFile(directory, ExecutionLogTypes.Inserts, checkpointed.Insert);
        _updates = new RecordLogFile(directory, ExecutionLogTypes.Updates, checkpointed.Update);
        _deletes = new RecordLogFile(directory, ExecutionLogTypes.Deletes, checkpointed.Delete);
        _errors = new RecordLogFile(directory, ExecutionLogTypes.Errors);
        _warnings = new RecordLogFile(directory, ExecutionLogTypes.Warnings);
    }

    public void Write(
        RecordLogType type, object? identity, string key, string message, IReadOnlyList<string> fieldNames, ReadOnlySpan<object?> values)
    {
        var file = type == RecordLogType.Errors ? _errors : _warnings;
        file.Write(identity, key, message, fieldNames, values);
    }

    /// <summary>Logs a record the target wrote (or, in a dry run, would write) in <c>records</c> and in its operation's log.</summary>
    public void WriteChange(
        RecordLogType type, object? identity, IReadOnlyList<string> fieldNames, ReadOnlySpan<object?> values)
    {
        var (file, operation) = type switch
        {
            RecordLogType.Inserts => (_inserts, "insert"),
            RecordLogType.Updates => (_updates, "update"),
            RecordLogType.Deletes => (_deletes, "delete"),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a change log"),
        };
        // Both files get the same line, so it is formatted once.
        _records.WriteChange(identity, operation, fieldNames, values);
        file.CopyLastLine(_records);
    }

    /// <summary>Writes buffered lines to the files. Called before each checkpoint so that the logs never lag the counts.</summary>
    public void Flush()
    {
        foreach (var file in Files())
        {
            file.Flush();
        }
    }

    public void Dispose() => Disposables.DisposeAll(Files());

    private RecordLogFile[] Files() => [_records, _inserts, _updates, _deletes, _errors, _warnings];
}
