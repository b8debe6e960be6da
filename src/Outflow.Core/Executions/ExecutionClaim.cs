namespace Outflow.Core.Executions;

/// <summary>The result of <see cref="IExecutionStore.TryClaimAsync"/>.</summary>
/// <param name="Status">Whether the claim succeeded, and why not otherwise.</param>
/// <param name="LeaseToken">The new lease token when the claim succeeded, which fences every later write.</param>
/// <param name="HeldUntil">For <see cref="ExecutionClaimStatus.HeldElsewhere"/>, when the current lease expires.</param>
/// <param name="HeldBy">For <see cref="ExecutionClaimStatus.HeldElsewhere"/>, the owner of the current lease.</param>
public sealed record ExecutionClaim(
    ExecutionClaimStatus Status, string? LeaseToken = null, DateTimeOffset? HeldUntil = null, string? HeldBy = null);

/// <summary>Whether an execution could be claimed.</summary>
public enum ExecutionClaimStatus
{
    /// <summary>The caller holds the lease now.</summary>
    Claimed,

    /// <summary>
    /// Another owner holds a lease that has not expired, or another store session kept the execution's row locked for
    /// longer than a claim waits. <see cref="ExecutionClaim.HeldUntil"/> is then the stored expiry, which may have passed.
    /// </summary>
    HeldElsewhere,

    /// <summary>The execution is missing, terminal, or canceled before it ever started.</summary>
    NotStartable,
}
