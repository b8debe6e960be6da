namespace Outflow.Core.Connectors;

/// <summary>
/// Records to write to one target object. <see cref="IdentityField"/> is the target field that matches
/// records; <see cref="Fields"/> are the target fields each record's values go to (the identity field may
/// be among them).
/// </summary>
public sealed record WriteBatch(
    string ObjectId,
    string IdentityField,
    IReadOnlyList<string> Fields,
    IReadOnlyList<TargetRecord> Records);
