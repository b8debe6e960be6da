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
    /// Claims the execution's lease for <paramref name="owner"/> in one conditional update: a <c>created</c> or
    /// <c>queued</c> execution moves to <c>running</c>, and a started <c>running</c> or <c>canceling</c> one whose
    /// lease expired before <paramref name="now"/> is taken over with its status kept. Each claim sets a new lease
    /// token, which every later fenced write must present, and keeps the first start time.
    /// </summary>
    Task<ExecutionClaim> TryClaimAsync(
        Guid id, string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease to <paramref name="until"/>. Returns false when the execution is terminal or another claim
    /// replaced <paramref name="leaseToken"/>.
    /// </summary>
    Task<bool> RenewLeaseAsync(Guid id, string leaseToken, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Flags a non-terminal execution for cancellation and moves it to <c>canceling</c>; the running engine
    /// polls the flag. Returns false when the execution is already terminal.
    /// </summary>
    Task<bool> RequestCancelAsync(Guid id, CancellationToken cancellationToken);

    Task<bool> IsCancelRequestedAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a <c>running</c> or <c>canceling</c> execution back to <c>queued</c> and releases its lease, so that the
    /// next claim starts it at once, for a worker that stops for shutdown. Its counts and state stay as checkpointed.
    /// Returns false when <paramref name="leaseToken"/> no longer holds the lease.
    /// </summary>
    Task<bool> RequeueAsync(Guid id, string leaseToken, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a terminal status, the completion time and execution-level errors. With a <paramref name="leaseToken"/>,
    /// applies only while that token holds the lease. With null, applies only while no worker holds a lease on it, e.g.
    /// an execution canceled before any worker started it. Returns false when nothing changed.
    /// </summary>
    Task<bool> FinishAsync(
        Guid id, string? leaseToken, ExecutionStatus status, IReadOnlyList<string> errors, DateTimeOffset completedAt,
        CancellationToken cancellationToken);

    /// <summary>Lists executions of every organization that are not terminal, oldest first, for recovery at start.</summary>
    Task<IReadOnlyList<Execution>> ListUnfinishedAsync(CancellationToken cancellationToken);
}
