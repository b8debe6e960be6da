using System.Buffers.Binary;
using System.Data.Common;
using Microsoft.Data.Sqlite;

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

    /// <summary>
    /// Reads the hash in column <paramref name="ordinal"/>. On PostgreSQL it copies the bytes into
    /// <paramref name="buffer"/>, a reusable array of <see cref="HashLength"/> bytes, so a row allocates no array.
    /// </summary>
    public static UInt128 ReadHash(DbDataReader reader, int ordinal, byte[] buffer) =>
        BinaryPrimitives.ReadUInt128BigEndian(ReadExactly(reader, ordinal, buffer, "hash"));

    /// <summary>
    /// Reads two hashes stored one after the other in column <paramref name="ordinal"/>, which is NULL when either
    /// hash has the wrong length. On PostgreSQL it copies the bytes into <paramref name="buffer"/>, a reusable array of
    /// twice <see cref="HashLength"/> bytes.
    /// </summary>
    public static (UInt128 First, UInt128 Second) ReadHashPair(DbDataReader reader, int ordinal, byte[] buffer)
    {
        if (reader.IsDBNull(ordinal))
        {
            throw new InvalidDataException(
                $"A stored hash does not have {HashLength} bytes, so the sync_state table is damaged.");
        }

        var bytes = ReadExactly(reader, ordinal, buffer, "pair of hashes");
        return (BinaryPrimitives.ReadUInt128BigEndian(bytes), BinaryPrimitives.ReadUInt128BigEndian(bytes.AsSpan(HashLength)));
    }

    /// <summary>
    /// Returns the bytes of column <paramref name="ordinal"/>, which must be as long as <paramref name="buffer"/>. On
    /// PostgreSQL they are copied into <paramref name="buffer"/>. On SQLite they come in an array of their own, because
    /// Microsoft.Data.Sqlite's GetBytes was slower than allocating the array in a read of every state entry.
    /// </summary>
    /// <exception cref="InvalidDataException">The stored value has another length.</exception>
    private static byte[] ReadExactly(DbDataReader reader, int ordinal, byte[] buffer, string what)
    {
        var bytes = reader is SqliteDataReader ? reader.GetFieldValue<byte[]>(ordinal) : buffer;
        var length = bytes == buffer ? reader.GetBytes(ordinal, 0, null, 0, 0) : bytes.Length;
        if (length != buffer.Length)
        {
            throw new InvalidDataException(
                $"A stored {what} has {length} bytes instead of {buffer.Length}, so the sync_state table is damaged.");
        }

        if (bytes == buffer)
        {
            reader.GetBytes(ordinal, 0, buffer, 0, buffer.Length);
        }

        return bytes;
    }
}
