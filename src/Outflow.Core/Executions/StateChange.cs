namespace Outflow.Core.Executions;

/// <summary>
/// A change to a sync's change-detection state: record the row hash written for an identity, or forget the
/// identity when <see cref="RowHash"/> is null (the record was deleted).
/// </summary>
public sealed record StateChange(UInt128 IdentityHash, string Identity, UInt128? RowHash)
{
    /// <summary>
    /// The row hash recorded for an identity just before a write to its record, until the target confirms the write.
    /// It matches no row, so a run that finds it treats the record as new and writes it again. Replace mode deletes
    /// it once its row has left the model, so a write that landed just before a crash is not forgotten.
    /// </summary>
    public static UInt128 Unconfirmed => UInt128.Zero;

    /// <summary>
    /// Like <see cref="Unconfirmed"/>, for an identity whose record the state knew before the write: an update or a
    /// delete. A run that finds it writes the record again as changed, not as new.
    /// </summary>
    public static UInt128 UnconfirmedKnown => UInt128.One;

    /// <summary>Whether a stored row hash is one of the marks of a write that was not confirmed.</summary>
    public static bool IsUnconfirmed(UInt128 rowHash) => rowHash == Unconfirmed || rowHash == UnconfirmedKnown;
}
