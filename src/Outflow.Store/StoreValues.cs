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

    public static UInt128 ToHash(byte[] bytes)
    {
        if (bytes.Length != HashLength)
        {
            throw new InvalidDataException(
                $"A stored hash has {bytes.Length} bytes instead of {HashLength}, so the sync_state table is damaged.");
        }

        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>
    /// Reads the hash in column <paramref name="ordinal"/>. On PostgreSQL it copies the bytes into
    /// <paramref name="buffer"/>, a reusable array of <see cref="HashLength"/> bytes, so a row allocates no array.
    /// </summary>
    public static UInt128 ReadHash(DbDataReader reader, int ordinal, byte[] buffer)
    {
        // Microsoft.Data.Sqlite's GetBytes was slower in ReadAllAsync than allocating the 16-byte array.
        if (reader is SqliteDataReader)
        {
            return ToHash(reader.GetFieldValue<byte[]>(ordinal));
        }

        var length = reader.GetBytes(ordinal, 0, null, 0, 0);
        if (length != HashLength)
        {
            throw new InvalidDataException(
                $"A stored hash has {length} bytes instead of {HashLength}, so the sync_state table is damaged.");
        }

        reader.GetBytes(ordinal, 0, buffer, 0, HashLength);
        return BinaryPrimitives.ReadUInt128BigEndian(buffer);
    }

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

        var length = reader is SqliteDataReader ? -1 : reader.GetBytes(ordinal, 0, null, 0, 0);
        var bytes = length < 0 ? reader.GetFieldValue<byte[]>(ordinal) : buffer;
        if (length < 0)
        {
            length = bytes.Length;
        }

        if (length != 2 * HashLength)
        {
            throw new InvalidDataException(
                $"A stored pair of hashes has {length} bytes instead of {2 * HashLength}, so the sync_state table is damaged.");
        }

        if (bytes == buffer)
        {
            reader.GetBytes(ordinal, 0, buffer, 0, 2 * HashLength);
        }

        return (BinaryPrimitives.ReadUInt128BigEndian(bytes), BinaryPrimitives.ReadUInt128BigEndian(bytes.AsSpan(HashLength)));
    }
}
