using Outflow.Core.Organizations;

namespace Outflow.Core.Syncs;

/// <summary>A model sync: a validated configuration plus identity and audit data.</summary>
public sealed class Sync
{
    public required Guid Id { get; init; }

    public required Guid OrganizationId { get; init; }

    public required SyncConfiguration Configuration { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public required Actor CreatedBy { get; init; }

    public required Actor UpdatedBy { get; set; }

    public bool Active => Configuration.Active ?? false;

    public IReadOnlyList<Guid> ModelIds => Configuration.ReferencedModelIds();
}
