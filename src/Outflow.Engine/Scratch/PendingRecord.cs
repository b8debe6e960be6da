namespace Outflow.Engine.Scratch;

/// <summary>
/// A row to write, or with an empty <see cref="Payload"/> a record to delete. <see cref="IsNew"/> is true when
/// the sync's state has no entry for the identity, or only an unconfirmed one
/// (<see cref="Outflow.Core.Executions.StateChange.Unconfirmed"/>).
/// </summary>
internal sealed record PendingRecord(UInt128 IdentityHash, string Identity, UInt128 RowHash, bool IsNew, byte[] Payload);
