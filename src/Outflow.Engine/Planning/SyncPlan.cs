using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Engine.Planning;

/// <summary>
/// What one execution does, resolved from its configuration snapshot and options: the model, the target
/// object, the identity and the fields written, in the order of <see cref="TargetFields"/>.
/// </summary>
internal sealed record SyncPlan
{
    public required SyncMode Mode { get; init; }

    public required Guid ModelId { get; init; }

    public required Guid TargetConnectionId { get; init; }

    public required string TargetObject { get; init; }

    /// <summary>The model field whose value identifies a row; null in append and snapshot modes.</summary>
    public required string? IdentitySourceField { get; init; }

    /// <summary>The target field that matches records, one of <see cref="TargetFields"/>; null without an identity.</summary>
    public required string? IdentityTargetField { get; init; }

    public required IReadOnlyList<string> TargetFields { get; init; }

    /// <summary>One source per entry of <see cref="TargetFields"/>.</summary>
    public required IReadOnlyList<FieldSource> Sources { get; init; }

    /// <summary>The position of <see cref="IdentityTargetField"/> in <see cref="TargetFields"/>, or -1.</summary>
    public required int IdentityFieldIndex { get; init; }

    /// <summary>How the target compares identity values; identity texts are reduced the same way before matching.</summary>
    public IdentityComparison IdentityComparison { get; init; } = IdentityComparison.Exact;

    /// <summary>Target fields written only when a record is created or while its value is null.</summary>
    public required IReadOnlySet<string> CreateOnlyFields { get; init; }

    public IReadOnlyList<SyncFilter> Filters { get; init; } = [];

    public string? FilterLogic { get; init; }

    public IReadOnlyList<SyncOverride> Overrides { get; init; } = [];

    /// <summary>When not empty, only these model fields decide whether a row changed.</summary>
    public IReadOnlyList<string> TrackingColumns { get; init; } = [];

    /// <summary>
    /// For modes without identity, text added to every row's content key. A run that sends every row keys them by
    /// its own execution, so each row is new once in that run, and a resumed attempt still skips the rows it wrote.
    /// </summary>
    public string? ContentKeySuffix { get; init; }

    /// <summary>Every row counts as changed (resync, <c>sync_all_records</c> or a test run).</summary>
    public required bool TreatAllAsChanged { get; init; }

    /// <summary>A test run writes its rows but neither reads nor advances change-detection state.</summary>
    public required bool IsTest { get; init; }

    /// <summary>A dry run counts and logs what it would do, and writes nothing to the target or the state.</summary>
    public required bool IsDryRun { get; init; }

    /// <summary>
    /// The first execution of a sync that skips the initial backfill: it records every row in the state as
    /// synced and writes nothing, so later executions send only what changes after it.
    /// </summary>
    public bool IsBaseline { get; init; }

    /// <summary>When set, only rows whose identity text is listed take part, and nothing is deleted.</summary>
    public required IReadOnlySet<string>? Identities { get; init; }

    /// <summary>When set, the read stops after this many rows take part (a test run without identities).</summary>
    public int? RowLimit { get; init; }

    public bool HasIdentity => IdentitySourceField is not null;

    /// <summary>
    /// Whether the read covers the whole model and the run may act on what left it: delete the records of a
    /// replace sync, and drop the state entries of rows that are gone.
    /// </summary>
    public bool ActsOnAbsentRows => Identities is null && !IsTest && !IsDryRun && RowLimit is null;

    /// <summary>Records the sync wrote that left the model are deleted after a complete read.</summary>
    public bool DeletesAbsentRecords => Mode == SyncMode.Replace && Identities is null && !IsTest;
}
