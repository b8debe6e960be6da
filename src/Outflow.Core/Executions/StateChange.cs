namespace Outflow.Core.Executions;

/// <summary>
/// A change to a sync's change-detection state: record the row hash written for an identity, or forget the
/// identity when <see cref="RowHash"/> is null (the record was deleted).
/// </summary>
public sealed record StateChange(UInt128 IdentityHash, string Identity, UInt128? RowHash);
