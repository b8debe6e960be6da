namespace Outflow.Core.Executions;

/// <summary>
/// Read access to the record log files of executions. Files of a running execution may be listed and read
/// while they grow: a reader sees the complete lines on disk at that moment.
/// </summary>
public interface IExecutionLogFiles
{
    /// <summary>Lists the log files of an execution, by type in <see cref="ExecutionLogTypes.All"/> order, then by file number.</summary>
    Task<IReadOnlyList<ExecutionLogFile>> ListAsync(Guid executionId, CancellationToken cancellationToken);

    /// <summary>Lists the names of an execution's log files of one type, by file number, without reading them.</summary>
    IReadOnlyList<string> ListNames(Guid executionId, string type);

    /// <summary>
    /// Opens one log file for reading, or returns null when <paramref name="name"/> is not the name of one of
    /// the execution's log files. The name is matched against the listed names, never used as a path.
    /// </summary>
    Stream? Open(Guid executionId, string name);

    /// <summary>Lists the ids of the executions that have a log directory, whether or not they still exist.</summary>
    IReadOnlyList<Guid> ListExecutionIds();

    /// <summary>Deletes every log file of an execution. Does nothing when it has none.</summary>
    void Delete(Guid executionId);
}
