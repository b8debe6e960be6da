namespace Outflow.Engine.Scratch;

/// <summary>
/// A row to write, or with <see cref="IsAbsent"/> a record the sync wrote whose row the read did not see, to delete.
/// <see cref="IsNew"/> is true when the sync's state has no entry for the identity, or only the mark of an unconfirmed
/// write that was to create it (<see cref="Outflow.Core.Executions.StateChange.Unconfirmed"/>). <see cref="Replayed"/>
/// is true when the state has the mark of any unconfirmed write, because an earlier attempt was writing the record when
/// it crashed, and when a write of the record failed during its commit, which may have taken effect, before the engine
/// sends it again.
/// </summary>
internal sealed record PendingRecord(UInt128 IdentityHash, string Identity, UInt128 RowHash, bool IsNew, bool IsAbsent, bool Replayed = false);
