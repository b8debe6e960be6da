using Outflow.Core.Syncs;

namespace Outflow.Core.Connectors;

/// <summary>A target object (a table, a file, a resource), its fields and the sync modes it supports.</summary>
public sealed record TargetObjectInfo(
    string Id,
    string Name,
    IReadOnlyList<TargetFieldInfo> Fields,
    IReadOnlyList<SyncMode> Modes);
