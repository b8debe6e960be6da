using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Outflow.Engine.Rows;

/// <summary>
/// Encodes a row's written values into a payload and hashes them. The row hash is XXH128 over, for each
/// written field in order, the field name (32-bit little-endian length, then UTF-8) followed by the value's
/// canonical encoding, so renaming a target field or changing a value's type changes the hash. The encoder
/// reuses its buffers, so it serves one row at a time on one thread.
/// </summary>
internal sealed class RowEncoder
{
    private readonly byte[][] _namePrefixes;
    private readonly IReadOnlyList<string> _fieldNames;
    private readonly int[] _valueEnds;
    private readonly ArrayBufferWriter<byte> _payload = new(1024);
    private readonly ArrayBufferWriter<byte> _hashInput = new(1024);

    public RowEncoder(IReadOnlyList<string> fieldNames)
    {
        _fieldNames = fieldNames;
        _namePrefixes = new byte[fieldNames.Count][];
        for (var i = 0; i < fieldNames.Count; i++)
        {
            var name = Encoding.UTF8.GetBytes(fieldNames[i]);
            var prefix = new byte[4 + name.Length];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, name.Length);
            name.CopyTo(prefix, 4);
            _namePrefixes[i] = prefix;
        }

        _valueEnds = new int[fieldNames.Count];
    }

    /// <summary>The payload of the last encoded row, valid until the next call to <see cref="Encode"/>.</summary>
    public ReadOnlySpan<byte> Payload => _payload.WrittenSpan;

    /// <summary>The row hash of the last encoded row.</summary>
    public UInt128 RowHash { get; private set; }

    /// <summary>Encodes one row's values, one per field name, and computes its row hash.</summary>
    /// <exception cref="UnsupportedValueException">A value's type is not one a source reader returns.</exception>
    public void Encode(ReadOnlySpan<object?> values)
    {
        _payload.ResetWrittenCount();
        for (var i = 0; i < values.Length; i++)
        {
            if (!ValueCodec.TryWrite(_payload, values[i]))
            {
                throw new UnsupportedValueException(_fieldNames[i], values[i]!.GetType());
            }

            _valueEnds[i] = _payload.WrittenCount;
        }

        // One hash over the whole input gives the same hash as an append per name and value, with fewer calls.
        _hashInput.ResetWrittenCount();
        var written = _payload.WrittenSpan;
        var start = 0;
        for (var i = 0; i < values.Length; i++)
        {
            _hashInput.Write(_namePrefixes[i]);
            _hashInput.Write(written[start.._valueEnds[i]]);
            start = _valueEnds[i];
        }

        RowHash = XxHash128.HashToUInt128(_hashInput.WrittenSpan);
    }
}
