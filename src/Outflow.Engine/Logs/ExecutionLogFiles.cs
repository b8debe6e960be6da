using Outflow.Core.Executions;

namespace Outflow.Engine.Logs;

/// <summary>
/// The record log files of executions: an execution's stored files once it has any in the metadata store, else the
/// files in the local logs directory. An execution that ends stores its files (see <see cref="StoreAsync"/>), so
/// every process that shares the store serves them, in the embedded mode as in the distributed one.
/// </summary>
/// <remarks>
/// Stored files take precedence, because a local directory may be left over from an earlier attempt of the
/// execution that another process finished. Local files still serve a running execution on the process that runs
/// it, and logs written before the store kept log files.
/// </remarks>
internal sealed class ExecutionLogFiles(EngineOptions options, IExecutionLogStore store) : IExecutionLogFiles
{
    private readonly LocalLogDirectory _local = new(options.LogsDirectory);

    public async Task<IReadOnlyList<ExecutionLogFile>> ListAsync(Guid executionId, CancellationToken cancellationToken)
    {
        var stored = await store.ListAsync(executionId, cancellationToken).ConfigureAwait(false);
        return stored.Count > 0 ? stored : await _local.ListAsync(executionId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListNamesAsync(Guid executionId, string type, CancellationToken cancellationToken)
    {
        var stored = await store.ListAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (stored.Count == 0)
        {
            return _local.ListNames(executionId, type);
        }

        return stored
            .Where(file => string.Equals(file.Type, type, StringComparison.Ordinal))
            .Select(file => file.Name)
            .ToList();
    }

    public async Task<Stream?> OpenAsync(Guid executionId, string name, CancellationToken cancellationToken)
    {
        var stored = await store.ListAsync(executionId, cancellationToken).ConfigureAwait(false);
        if (stored.Count == 0)
        {
            return _local.Open(executionId, name);
        }

        return stored.Any(file => string.Equals(file.Name, name, StringComparison.Ordinal))
            ? await store.OpenAsync(executionId, name, cancellationToken).ConfigureAwait(false)
            : null;
    }

    public IReadOnlyList<Guid> ListExecutionIds() => _local.ListExecutionIds();

    public void Delete(Guid executionId) => _local.Delete(executionId);

    /// <summary>
    /// Copies the execution's local log files into the store, replacing any it stored before, and returns how many
    /// it stored. An execution without local files ends with none stored. Call it once the files are closed.
    /// </summary>
    /// <exception cref="LeaseLostException">The execution's lease no longer has <paramref name="leaseToken"/>, so nothing was stored.</exception>
    public async Task<int> StoreAsync(Guid executionId, string? leaseToken, CancellationToken cancellationToken)
    {
        var files = await _local.ListAsync(executionId, cancellationToken).ConfigureAwait(false);
        var contents = files
            .Select(file => new ExecutionLogFileContent(file, () => _local.Open(executionId, file.Name)
                ?? throw new FileNotFoundException($"log file {file.Name} of execution {executionId} was deleted while it was being stored")))
            .ToList();
        await store.ReplaceAsync(executionId, leaseToken, contents, cancellationToken).ConfigureAwait(false);
        return files.Count;
    }
}
