namespace Outflow.Core.Connections;

/// <summary>The models and syncs that reference a connection, which block its deletion without <c>force</c>.</summary>
public sealed record ConnectionUsage(IReadOnlyList<Guid> ModelIds, IReadOnlyList<Guid> SyncIds)
{
    public bool IsEmpty => ModelIds.Count == 0 && SyncIds.Count == 0;
}
