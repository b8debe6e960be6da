using System.Buffers.Binary;

namespace Outflow.Store;

/// <summary>
/// Conversions between domain values and their stored forms: UUIDs as lowercase text, instants as Unix
/// milliseconds UTC, 128-bit hashes as 16 big-endian bytes so that byte order equals numeric order.
/// </summary>
internal static class StoreValues
{
    public const int HashLength = 16;

    public static string ToText(Guid id) => id.ToString("D");

    public static Guid ToGuid(string text) => Guid.ParseExact(text, "D");

    public static long ToUnixMilliseconds(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    /// <summary>Converts Unix milliseconds to an instant with offset zero.</summary>
    public static DateTimeOffset ToInstant(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    public static DateTimeOffset? ToInstant(long? unixMilliseconds) =>
        unixMilliseconds is long value ? ToInstant(value) : null;

    public static byte[] ToBytes(UInt128 hash)
    {
        var bytes = new byte[HashLength];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);
        return bytes;
    }

    public static UInt128 ToHash(byte[] bytes)
    {
        if (bytes.Length != HashLength)
        {
            throw new InvalidDataException(
                $"A stored hash has {bytes.Length} bytes instead of {HashLength}, so the sync_state table is damaged.");
        }

        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
