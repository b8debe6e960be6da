namespace Outflow.Engine.Scratch;

/// <summary>
/// A row of the scratch database as the diff compares it: its number in read order and its two hashes. Keys order by
/// identity hash, then row hash, then row number, and a sort of keys calls <see cref="CompareTo"/> without a delegate.
/// </summary>
internal readonly record struct ScratchKey(long RowId, UInt128 IdentityHash, UInt128 RowHash) : IComparable<ScratchKey>
{
    public int CompareTo(ScratchKey other)
    {
        var order = IdentityHash.CompareTo(other.IdentityHash);
        if (order == 0)
        {
            order = RowHash.CompareTo(other.RowHash);
        }

        return order != 0 ? order : RowId.CompareTo(other.RowId);
    }
}
