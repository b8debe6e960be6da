using System.Text.Json.Nodes;

namespace Outflow.Core.Executions;

/// <summary>
/// The console log of executions: short entries that say what a running execution is doing. The engine appends
/// them wherever it runs, and the API reads them from the metadata store. Each execution keeps at least its newest
/// <see cref="RetainedEntries"/> entries, and older ones are pruned as new ones are appended. Deleting an execution
/// or its sync deletes its entries.
/// </summary>
public interface IExecutionConsoleLog
{
    /// <summary>The number of newest entries kept per execution.</summary>
    const int RetainedEntries = 1000;

    /// <summary>
    /// Appends an entry and returns it with its id. The id's time is <paramref name="timestamp"/>, raised to the
    /// time of the execution's newest entry when the clock went back, so ids stay ordered. Fails when the
    /// execution does not exist.
    /// </summary>
    Task<ConsoleLogEntry> AppendAsync(
        Guid executionId, DateTimeOffset timestamp, string level, string message, JsonObject? payload,
        CancellationToken cancellationToken);

    /// <summary>
    /// Lists entries oldest first. With <paramref name="after"/>, returns the oldest <paramref name="limit"/> entries
    /// whose id is greater. Without it, returns the newest <paramref name="limit"/> entries.
    /// </summary>
    Task<IReadOnlyList<ConsoleLogEntry>> ListAsync(
        Guid executionId, ConsoleLogCursor? after, int limit, CancellationToken cancellationToken);
}
