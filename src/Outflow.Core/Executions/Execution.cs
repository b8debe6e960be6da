using Outflow.Core.Syncs;

namespace Outflow.Core.Executions;

/// <summary>One run of a sync, with the configuration it runs on, its counts and execution-level errors.</summary>
public sealed class Execution
{
    public required Guid Id { get; init; }

    public required Guid OrganizationId { get; init; }

    public required Guid SyncId { get; init; }

    public required ExecutionStatus Status { get; set; }

    /// <summary>One of <see cref="ExecutionTypes"/>.</summary>
    public required string Type { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public ExecutionCounts Counts { get; set; } = ExecutionCounts.Zero;

    public List<string> Errors { get; set; } = [];

    /// <summary>The sync's configuration when the execution was created; later updates do not change it.</summary>
    public required SyncConfiguration Configuration { get; init; }

    /// <summary>Options of Start Sync that shape this run.</summary>
    public ExecutionOptions Options { get; init; } = ExecutionOptions.Default;

    public bool CancelRequested { get; set; }

    /// <summary>
    /// The fire time of the schedule trigger that created the execution, null when no schedule trigger created it
    /// (manual runs and run-after follow-ups). The store keeps one execution per sync and fire time.
    /// </summary>
    public DateTimeOffset? ScheduledFor { get; init; }
}
