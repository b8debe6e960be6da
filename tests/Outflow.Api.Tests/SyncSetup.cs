namespace Outflow.Api.Tests;

/// <summary>The ids of a source connection, its model, a target connection and a sync between them.</summary>
public sealed record SyncSetup(string SourceConnectionId, string ModelId, string TargetConnectionId, string SyncId);
