namespace Outflow.Core.Executions;

/// <summary>
/// Read access to the record log files of executions. An ended execution's files are read from the metadata
/// store, so every process that shares the store serves them. A running execution's files are read from the
/// local logs directory of the process that runs it, while they grow: a reader sees the complete lines on disk
/// at that moment, and another process sees no files until the execution ends.
/// </summary>
public interface IExecutionLogFiles
{
    /// <summary>Lists the log files of an execution, by type in <see cref="ExecutionLogTypes.All"/> order, then by file number.</summary>
    Task<IReadOnlyList<ExecutionLogFile>> ListAsync(Guid executionId, CancellationToken cancellationToken);

    /// <summary>Lists the names of an execution's log files of one type, by file number, without reading them.</summary>
    Task<IReadOnlyList<string>> ListNamesAsync(Guid executionId, string type, CancellationToken cancellationToken);

    /// <summary>
    /// Opens one log file for reading, or returns null when <paramref name="name"/> is not the name of one of
    /// the execution's log files. The name is matched against the listed names, never used as a path.
    /// </summary>
    Task<Stream?> OpenAsync(Guid executionId, string name, CancellationToken cancellationToken);

    /// <summary>Lists the ids of the executions that have a local log directory, whether or not they still exist.</summary>
    IReadOnlyList<Guid> ListExecutionIds();

    /// <summary>
    /// Deletes an execution's local log directory. Does nothing when it has none. Stored files go with the
    /// execution's sync.
    /// </summary>
    void Delete(Guid executionId);
}
