namespace Outflow.Core.Executions;

/// <summary>How one call of <see cref="IExecutionRunner.RunAsync"/> ended.</summary>
/// <param name="Outcome">What happened to the execution.</param>
/// <param name="HeldUntil">For <see cref="ExecutionRunOutcome.HeldElsewhere"/>, when the other process's lease expires.</param>
public sealed record ExecutionRunResult(ExecutionRunOutcome Outcome, DateTimeOffset? HeldUntil = null)
{
    public static ExecutionRunResult Ended { get; } = new(ExecutionRunOutcome.Ended);

    public static ExecutionRunResult NotStarted { get; } = new(ExecutionRunOutcome.NotStarted);

    public static ExecutionRunResult Requeued { get; } = new(ExecutionRunOutcome.Requeued);

    public static ExecutionRunResult LeaseLost { get; } = new(ExecutionRunOutcome.LeaseLost);
}

/// <summary>The outcome of one run attempt.</summary>
public enum ExecutionRunOutcome
{
    /// <summary>This attempt set a terminal status.</summary>
    Ended,

    /// <summary>The execution was missing, already terminal, or canceled before any worker started it.</summary>
    NotStarted,

    /// <summary>Shutdown stopped the attempt and the execution went back to <c>queued</c>.</summary>
    Requeued,

    /// <summary>Another process took the lease over, so this attempt stopped without changing the execution.</summary>
    LeaseLost,

    /// <summary>Another process holds a lease that has not expired, so this attempt did not start.</summary>
    HeldElsewhere,
}
