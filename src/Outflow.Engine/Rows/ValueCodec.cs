using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Outflow.Engine.Rows;

/// <summary>
/// Encodes the value types a source reader returns into a compact, canonical byte form and decodes them
/// back to equal .NET values. Each value is a <see cref="ValueTag"/> byte, then a fixed-size body, or for
/// strings and binaries a 32-bit little-endian length and the bytes (UTF-8 for strings).
/// </summary>
internal static class ValueCodec
{
    /// <summary>Appends one encoded value. Returns false, writing nothing, for a type outside the reader contract.</summary>
    public static bool TryWrite(ArrayBufferWriter<byte> buffer, object? value)
    {
        switch (value)
        {
            case null:
                WriteTag(buffer, ValueTag.Null);
                return true;
            case bool boolean:
                var boolSpan = buffer.GetSpan(2);
                boolSpan[0] = (byte)ValueTag.Boolean;
                boolSpan[1] = boolean ? (byte)1 : (byte)0;
                buffer.Advance(2);
                return true;
            case long integer:
                WriteInt64(buffer, ValueTag.Int64, integer);
                return true;
            case decimal number:
                WriteDecimal(buffer, number);
                return true;
            case double real:
                WriteInt64(buffer, ValueTag.Double, BitConverter.DoubleToInt64Bits(real));
                return true;
            case string text:
                WriteString(buffer, text);
                return true;
            case DateTimeOffset instant:
                var instantSpan = buffer.GetSpan(11);
                instantSpan[0] = (byte)ValueTag.DateTimeOffset;
                BinaryPrimitives.WriteInt64LittleEndian(instantSpan[1..], instant.Ticks);
                BinaryPrimitives.WriteInt16LittleEndian(instantSpan[9..], (short)instant.Offset.TotalMinutes);
                buffer.Advance(11);
                return true;
            case DateTime timestamp:
                var timestampSpan = buffer.GetSpan(10);
                timestampSpan[0] = (byte)ValueTag.DateTime;
                BinaryPrimitives.WriteInt64LittleEndian(timestampSpan[1..], timestamp.Ticks);
                timestampSpan[9] = (byte)timestamp.Kind;
                buffer.Advance(10);
                return true;
            case DateOnly date:
                var dateSpan = buffer.GetSpan(5);
                dateSpan[0] = (byte)ValueTag.DateOnly;
                BinaryPrimitives.WriteInt32LittleEndian(dateSpan[1..], date.DayNumber);
                buffer.Advance(5);
                return true;
            case TimeOnly time:
                WriteInt64(buffer, ValueTag.TimeOnly, time.Ticks);
                return true;
            case byte[] bytes:
                WriteBinary(buffer, bytes);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Decodes every value of a payload into <paramref name="values"/>, which has one slot per encoded value.</summary>
    /// <exception cref="InvalidDataException">The payload is truncated or has an unknown tag.</exception>
    public static void ReadAll(ReadOnlySpan<byte> payload, object?[] values)
    {
        var offset = 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Read(payload, ref offset);
        }

        if (offset != payload.Length)
        {
            throw new InvalidDataException($"the payload has {payload.Length - offset} bytes after its {values.Length} values");
        }
    }

    /// <summary>Decodes the value at <paramref name="offset"/> and moves the offset past it.</summary>
    public static object? Read(ReadOnlySpan<byte> payload, ref int offset)
    {
        var tag = (ValueTag)Take(payload, ref offset, 1)[0];
        switch (tag)
        {
            case ValueTag.Null:
                return null;
            case ValueTag.Boolean:
                return Take(payload, ref offset, 1)[0] != 0;
            case ValueTag.Int64:
                return BinaryPrimitives.ReadInt64LittleEndian(Take(payload, ref offset, 8));
            case ValueTag.Decimal:
                Span<int> bits = stackalloc int[4];
                var body = Take(payload, ref offset, 16);
                for (var i = 0; i < 4; i++)
                {
                    bits[i] = BinaryPrimitives.ReadInt32LittleEndian(body[(i * 4)..]);
                }

                return new decimal(bits);
            case ValueTag.Double:
                return BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(Take(payload, ref offset, 8)));
            case ValueTag.String:
                return Encoding.UTF8.GetString(TakeSized(payload, ref offset));
            case ValueTag.DateTimeOffset:
                var instant = Take(payload, ref offset, 10);
                var offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(instant[8..]);
                return new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(instant), TimeSpan.FromMinutes(offsetMinutes));
            case ValueTag.DateTime:
                var timestamp = Take(payload, ref offset, 9);
                return new DateTime(BinaryPrimitives.ReadInt64LittleEndian(timestamp), (DateTimeKind)timestamp[8]);
            case ValueTag.DateOnly:
                return DateOnly.FromDayNumber(BinaryPrimitives.ReadInt32LittleEndian(Take(payload, ref offset, 4)));
            case ValueTag.TimeOnly:
                return new TimeOnly(BinaryPrimitives.ReadInt64LittleEndian(Take(payload, ref offset, 8)));
            case ValueTag.Binary:
                return TakeSized(payload, ref offset).ToArray();
            default:
                throw new InvalidDataException($"the payload has an unknown value tag {(byte)tag} at byte {offset - 1}");
        }
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> payload, ref int offset, int length)
    {
        if (payload.Length - offset < length)
        {
            throw new InvalidDataException($"the payload ends at byte {payload.Length}, inside a value that needs {length} bytes");
        }

        var slice = payload.Slice(offset, length);
        offset += length;
        return slice;
    }

    private static ReadOnlySpan<byte> TakeSized(ReadOnlySpan<byte> payload, ref int offset)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(Take(payload, ref offset, 4));
        return Take(payload, ref offset, length);
    }

    private static void WriteTag(ArrayBufferWriter<byte> buffer, ValueTag tag)
    {
        buffer.GetSpan(1)[0] = (byte)tag;
        buffer.Advance(1);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, ValueTag tag, long value)
    {
        var span = buffer.GetSpan(9);
        span[0] = (byte)tag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        buffer.Advance(9);
    }

    private static void WriteDecimal(ArrayBufferWriter<byte> buffer, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var span = buffer.GetSpan(17);
        span[0] = (byte)ValueTag.Decimal;
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(1 + (i * 4))..], bits[i]);
        }

        buffer.Advance(17);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var span = buffer.GetSpan(5 + length);
        span[0] = (byte)ValueTag.String;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], length);
        Encoding.UTF8.GetBytes(text, span[5..]);
        buffer.Advance(5 + length);
    }

    private static void WriteBinary(ArrayBufferWriter<byte> buffer, byte[] bytes)
    {
        var span = buffer.GetSpan(5 + bytes.Length);
        span[0] = (byte)ValueTag.Binary;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], bytes.Length);
        bytes.CopyTo(span[5..]);
        buffer.Advance(5 + bytes.Length);
    }
}
