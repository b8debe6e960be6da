namespace Outflow.Engine.Scratch;

/// <summary>
/// A row to write, or with an empty <see cref="Payload"/> a record to delete. <see cref="IsNew"/> is true when
/// the sync's state has no entry for the identity.
/// </summary>
internal sealed record PendingRecord(UInt128 IdentityHash, string Identity, UInt128 RowHash, bool IsNew, byte[] Payload);
