namespace Outflow.Core.Executions;

/// <summary>Executions and their lifecycle transitions.</summary>
public interface IExecutionStore
{
    /// <summary>
    /// Inserts <paramref name="execution"/> unless the sync has a non-terminal execution, atomically.
    /// Returns the inserted execution and true, or the existing non-terminal one and false. When
    /// <see cref="Execution.ScheduledFor"/> is set and the sync already has an execution for that fire time,
    /// returns that one, in any status, and false.
    /// </summary>
    Task<(Execution Execution, bool Created)> CreateIfIdleAsync(Execution execution, CancellationToken cancellationToken);

    /// <summary>Finds an execution of a sync of the organization; null when any of the three does not match.</summary>
    Task<Execution?> GetAsync(Guid organizationId, Guid syncId, Guid id, CancellationToken cancellationToken);

    /// <summary>Finds an execution by id alone, for the engine.</summary>
    Task<Execution?> GetByIdAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Returns at most <c>query.Limit</c> executions of the sync after <c>query.After</c>.</summary>
    Task<IReadOnlyList<Execution>> ListAsync(
        Guid organizationId, Guid syncId, ExecutionListQuery query, CancellationToken cancellationToken);

    /// <summary>Returns the sync's non-terminal execution, if any.</summary>
    Task<Execution?> GetCurrentAsync(Guid organizationId, Guid syncId, CancellationToken cancellationToken);

    /// <summary>Returns the sync's most recently finished execution, if any.</summary>
    Task<Execution?> GetLastFinishedAsync(Guid organizationId, Guid syncId, CancellationToken cancellationToken);

    /// <summary>
    /// Returns true when a manual or scheduled execution of the sync other than <paramref name="exceptId"/> has
    /// completed, which test and dry-run executions do not count as.
    /// </summary>
    Task<bool> HasCompletedRunAsync(Guid syncId, Guid exceptId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a <c>created</c> or <c>queued</c> execution to <c>running</c>, setting <c>started_at</c>.
    /// Returns false when the execution is in any other status.
    /// </summary>
    Task<bool> TryStartAsync(Guid id, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Flags a non-terminal execution for cancellation and moves it to <c>canceling</c>; the running engine
    /// polls the flag. Returns false when the execution is already terminal.
    /// </summary>
    Task<bool> RequestCancelAsync(Guid id, CancellationToken cancellationToken);

    Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a <c>running</c> execution back to <c>queued</c> so that it can be dispatched again, for recovery
    /// after the process that ran it stopped. Its counts and state stay as checkpointed.
    /// </summary>
    Task RequeueAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Sets a terminal status, the completion time and execution-level errors.</summary>
    Task FinishAsync(
        Guid id, ExecutionStatus status, IReadOnlyList<string> errors, DateTimeOffset completedAt,
        CancellationToken cancellationToken);

    /// <summary>Lists executions of every organization that are not terminal, oldest first, for recovery at start.</summary>
    Task<IReadOnlyList<Execution>> ListUnfinishedAsync(CancellationToken cancellationToken);
}
