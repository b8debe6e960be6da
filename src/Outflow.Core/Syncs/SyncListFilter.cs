namespace Outflow.Core.Syncs;

/// <summary>The optional filters of List Syncs, AND-ed.</summary>
public sealed record SyncListFilter(bool? Active, SyncMode? Mode, Guid? TargetConnectionId);
