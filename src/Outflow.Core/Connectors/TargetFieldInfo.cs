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
    bool SupportsIdentity)
{
    /// <summary>How the target compares values of this field when it matches records.</summary>
    public IdentityComparison Comparison { get; init; } = IdentityComparison.Exact;

    /// <summary>Why the field cannot match records, when <see cref="SupportsIdentity"/> is false and the target reports a reason.</summary>
    public string? IdentityProblem { get; init; }
}
