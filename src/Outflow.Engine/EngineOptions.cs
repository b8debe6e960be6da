namespace Outflow.Engine;

/// <summary>Settings of the execution engine.</summary>
public sealed class EngineOptions
{
    /// <summary>The directory under which each execution's record logs go, in a folder named after the execution id.</summary>
    public required string LogsDirectory { get; init; }

    /// <summary>The directory for each execution's scratch database, which is deleted when the execution ends.</summary>
    public required string ScratchDirectory { get; init; }

    /// <summary>
    /// The maximum number of records sent to the target in one write, or null for the size the target connector
    /// prefers.
    /// </summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// The records whose checkpoint may wait for later batches: written batches are checkpointed together once they
    /// hold this many records or <see cref="CheckpointInterval"/> has passed, so the store commits once for several
    /// small batches. Until then their records stay in flight, and a run after a crash writes them again. Zero
    /// checkpoints every batch.
    /// </summary>
    public int CheckpointRecords { get; init; } = 50_000;

    /// <summary>
    /// The maximum time written batches wait for their checkpoint, which also advances the execution's counts. Zero
    /// checkpoints every batch.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a batch is tried when the target reports a transient failure, the first try included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The delay before the first retry. Each further retry doubles it, with random jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a running execution checks whether a user requested its cancellation while it reads the model.</summary>
    public TimeSpan CancelPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The minimum time between two progress entries of the same kind (rows read, records written, record errors) in
    /// an execution's console log, so that fast batches do not write one entry each.
    /// </summary>
    public TimeSpan ConsoleProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an execution's lease lasts without renewal. A worker renews it every third of this time and stops
    /// writing once it cannot, and another worker may take the execution over once it expires.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);
}
