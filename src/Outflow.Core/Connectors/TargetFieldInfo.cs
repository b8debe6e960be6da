namespace Outflow.Core.Connectors;

/// <summary>
/// A writable field of a target object. <see cref="SupportsIdentity"/> is true for fields that can match
/// records (a primary key or a column with a unique index).
/// </summary>
public sealed record TargetFieldInfo(
    string Id,
    string Name,
    FieldType Type,
    string RemoteType,
    bool Required,
    bool SupportsIdentity);
