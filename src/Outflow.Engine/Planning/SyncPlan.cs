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

    /// <summary>The model field whose value identifies a row.</summary>
    public required string IdentitySourceField { get; init; }

    /// <summary>The target field that matches records, always one of <see cref="TargetFields"/>.</summary>
    public required string IdentityTargetField { get; init; }

    public required IReadOnlyList<string> TargetFields { get; init; }

    /// <summary>One source per entry of <see cref="TargetFields"/>.</summary>
    public required IReadOnlyList<FieldSource> Sources { get; init; }

    /// <summary>The position of <see cref="IdentityTargetField"/> in <see cref="TargetFields"/>.</summary>
    public required int IdentityFieldIndex { get; init; }

    /// <summary>Every row counts as changed (resync, <c>sync_all_records</c> or a test run).</summary>
    public required bool TreatAllAsChanged { get; init; }

    /// <summary>A test run writes its rows but neither reads nor advances change-detection state.</summary>
    public required bool IsTest { get; init; }

    /// <summary>When set, only rows whose identity text is listed take part, and nothing is deleted.</summary>
    public required IReadOnlySet<string>? Identities { get; init; }

    /// <summary>When set, the read stops after this many rows take part (a test run without identities).</summary>
    public int? RowLimit { get; init; }

    /// <summary>Records the sync wrote that left the model are deleted after a complete read.</summary>
    public bool DeletesAbsentRecords => Mode == SyncMode.Replace && Identities is null && !IsTest;
}
