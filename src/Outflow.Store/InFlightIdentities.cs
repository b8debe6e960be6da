using System.Buffers.Binary;
using System.Text;
using Outflow.Core.Executions;

namespace Outflow.Store;

/// <summary>
/// The stored form of a batch in flight: for each identity, its 16-byte big-endian hash, the UTF-8 length of its text
/// as a 32-bit little-endian integer, then the text. The length's top bit is set when the state knew the record before
/// the write (<see cref="StateChange.UnconfirmedKnown"/>). One value per batch keeps the record before each write to a
/// single row, whatever the batch size.
/// </summary>
internal static class InFlightIdentities
{
    private const int HashLength = 16;
    private const uint KnownFlag = 0x8000_0000;

    public static byte[] Encode(IReadOnlyList<StateEntry> identities)
    {
        var length = 0;
        foreach (var entry in identities)
        {
            length += HashLength + 4 + Encoding.UTF8.GetByteCount(entry.Identity);
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        foreach (var entry in identities)
        {
            BinaryPrimitives.WriteUInt128BigEndian(span, entry.IdentityHash);
            var textLength = Encoding.UTF8.GetBytes(entry.Identity, span[(HashLength + 4)..]);
            var known = entry.RowHash == StateChange.UnconfirmedKnown ? KnownFlag : 0;
            BinaryPrimitives.WriteUInt32LittleEndian(span[HashLength..], (uint)textLength | known);
            span = span[(HashLength + 4 + textLength)..];
        }

        return bytes;
    }

    /// <exception cref="InvalidDataException">The value is cut short, so the store is damaged.</exception>
    public static List<StateEntry> Decode(byte[] bytes)
    {
        var entries = new List<StateEntry>();
        var span = bytes.AsSpan();
        while (span.Length > 0)
        {
            if (span.Length < HashLength + 4)
            {
                throw Damaged();
            }

            var hash = BinaryPrimitives.ReadUInt128BigEndian(span);
            var lengthField = BinaryPrimitives.ReadUInt32LittleEndian(span[HashLength..]);
            var textLength = (int)(lengthField & ~KnownFlag);
            if (span.Length < HashLength + 4 + textLength)
            {
                throw Damaged();
            }

            var mark = (lengthField & KnownFlag) != 0 ? StateChange.UnconfirmedKnown : StateChange.Unconfirmed;
            entries.Add(new StateEntry(hash, Encoding.UTF8.GetString(span.Slice(HashLength + 4, textLength)), mark));
            span = span[(HashLength + 4 + textLength)..];
        }

        return entries;
    }

    private static InvalidDataException Damaged() =>
        new("A batch in flight in the sync_state_in_flight table is cut short, so the table is damaged.");
}
