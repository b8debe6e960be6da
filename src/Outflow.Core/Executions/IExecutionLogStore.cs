namespace Outflow.Core.Executions;

/// <summary>
/// The record log files of ended executions, kept in the metadata store so that every process that shares the
/// store can serve them, wherever the execution ran. Deleting an execution's sync deletes its stored files.
/// </summary>
public interface IExecutionLogStore
{
    /// <summary>
    /// Replaces every stored log file of an execution with <paramref name="files"/> in one transaction, so a reader
    /// sees either the earlier set or the new one. An empty list deletes the stored files. Fails when the execution
    /// does not exist. Given the caller's <paramref name="leaseToken"/>, it also fails unless the execution's lease still
    /// has that token. Null stores without that check.
    /// </summary>
    /// <exception cref="LeaseLostException">The execution's lease no longer has <paramref name="leaseToken"/>, so nothing was stored.</exception>
    Task ReplaceAsync(
        Guid executionId, string? leaseToken, IReadOnlyList<ExecutionLogFileContent> files, CancellationToken cancellationToken);

    /// <summary>Lists the stored log files of an execution in the order they were stored in.</summary>
    Task<IReadOnlyList<ExecutionLogFile>> ListAsync(Guid executionId, CancellationToken cancellationToken);

    /// <summary>Opens one stored log file for reading, or returns null when the execution has no stored file of that name.</summary>
    Task<Stream?> OpenAsync(Guid executionId, string name, CancellationToken cancellationToken);
}

/// <summary>A log file to store: its listing, and a function that opens its content, called once or more during the store.</summary>
public sealed record ExecutionLogFileContent(ExecutionLogFile File, Func<Stream> OpenContent);
