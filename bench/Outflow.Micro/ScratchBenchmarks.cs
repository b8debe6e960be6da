using System.Globalization;
using BenchmarkDotNet.Attributes;
using Outflow.Engine.Rows;
using Outflow.Engine.Scratch;

namespace Outflow.Micro;

/// <summary>
/// The scratch files of one model scan: <see cref="KeySorter"/>, which sorts every row's key by identity hash for the
/// diff, and <see cref="RowFile"/>, which stores every row read and serves the pending ones back to the writer in row
/// order. Each operation is one key or one row, so the numbers compare with <see cref="RowCodecBenchmarks"/>. The
/// files go to a directory that <see cref="Setup"/> creates under the system's temporary directory and
/// <see cref="Cleanup"/> deletes.
/// </summary>
[MemoryDiagnoser]
public class ScratchBenchmarks
{
    /// <summary>Keys per sort: 16 runs of up to <see cref="KeySorter.RunLength"/> keys, merged from the file.</summary>
    private const int KeyCount = 1_000_000;

    private const int RowCount = 100_000;

    private DirectoryInfo _directory = null!;
    private ScratchKey[] _keys = [];
    private UInt128[] _identityHashes = [];
    private string[] _identities = [];
    private UInt128[] _rowHashes = [];
    private byte[][] _payloads = [];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("outflow-micro-");
        var random = new Random(3);
        _keys = new ScratchKey[KeyCount];
        for (var i = 0; i < KeyCount; i++)
        {
            _keys[i] = new ScratchKey(i + 1, SampleRows.NextUInt128(random), SampleRows.NextUInt128(random));
        }

        var rows = SampleRows.Create(RowCount, seed: 4);
        var encoder = new RowEncoder(SampleRows.FieldNames);
        _identityHashes = new UInt128[RowCount];
        _identities = new string[RowCount];
        _rowHashes = new UInt128[RowCount];
        _payloads = new byte[RowCount][];
        for (var i = 0; i < RowCount; i++)
        {
            encoder.Encode(rows[i]);
            _identities[i] = ((long)rows[i][0]!).ToString(CultureInfo.InvariantCulture);
            _identityHashes[i] = IdentityText.Hash(_identities[i]);
            _rowHashes[i] = encoder.RowHash;
            _payloads[i] = encoder.Payload.ToArray();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _directory.Delete(recursive: true);

    /// <summary>Adds 1,000,000 keys in random order, then reads them back sorted.</summary>
    [Benchmark(OperationsPerInvoke = KeyCount)]
    public long SortKeys()
    {
        using var sorter = new KeySorter(Path.Combine(_directory.FullName, "keys"));
        foreach (var key in _keys)
        {
            sorter.Add(key);
        }

        long checksum = 0;
        foreach (var key in sorter.ReadSorted())
        {
            checksum += key.RowId;
        }

        return checksum;
    }

    /// <summary>Appends 100,000 rows with payloads of about 230 bytes.</summary>
    [Benchmark(OperationsPerInvoke = RowCount)]
    public long AppendRows()
    {
        using var file = new RowFile(Path.Combine(_directory.FullName, "rows"));
        AppendAll(file);
        return file.Count;
    }

    /// <summary>Appends 100,000 rows, then reads each back by its number, in order.</summary>
    [Benchmark(OperationsPerInvoke = RowCount)]
    public long AppendAndReadRows()
    {
        using var file = new RowFile(Path.Combine(_directory.FullName, "rows"));
        AppendAll(file);
        long bytes = 0;
        for (long rowNumber = 1; rowNumber <= file.Count; rowNumber++)
        {
            bytes += file.Read(rowNumber).Payload.Length;
        }

        return bytes;
    }

    private void AppendAll(RowFile file)
    {
        for (var i = 0; i < RowCount; i++)
        {
            file.Append(_identityHashes[i], _identities[i], _rowHashes[i], _payloads[i]);
        }
    }
}
