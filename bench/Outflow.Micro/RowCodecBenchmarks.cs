using BenchmarkDotNet.Attributes;
using Outflow.Engine.Rows;

namespace Outflow.Micro;

/// <summary>
/// The per-row work of change detection on a row's values: encoding and hashing them as the model scan does for every
/// row read, and decoding a payload back into values as the write path does for every pending row. Each operation is
/// one row of <see cref="SampleRows"/>.
/// </summary>
[MemoryDiagnoser]
public class RowCodecBenchmarks
{
    private const int RowCount = 1_000;

    private object?[][] _rows = [];
    private byte[][] _payloads = [];
    private object?[] _values = [];
    private RowEncoder _encoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rows = SampleRows.Create(RowCount, seed: 1);
        _encoder = new RowEncoder(SampleRows.FieldNames);
        _payloads = new byte[RowCount][];
        for (var i = 0; i < RowCount; i++)
        {
            _encoder.Encode(_rows[i]);
            _payloads[i] = _encoder.Payload.ToArray();
        }

        _values = new object?[SampleRows.FieldNames.Length];
    }

    /// <summary>Encodes a 12-column row into its payload and computes its XXH128 row hash.</summary>
    [Benchmark(OperationsPerInvoke = RowCount)]
    public UInt128 EncodeAndHashRow()
    {
        UInt128 combined = 0;
        foreach (var row in _rows)
        {
            _encoder.Encode(row);
            combined ^= _encoder.RowHash;
        }

        return combined;
    }

    /// <summary>Decodes a 12-column payload back into boxed values with <see cref="ValueCodec.ReadAll"/>.</summary>
    [Benchmark(OperationsPerInvoke = RowCount)]
    public int DecodeRow()
    {
        var nulls = 0;
        foreach (var payload in _payloads)
        {
            ValueCodec.ReadAll(payload, _values);
            nulls += _values[2] is null ? 1 : 0;
        }

        return nulls;
    }
}
