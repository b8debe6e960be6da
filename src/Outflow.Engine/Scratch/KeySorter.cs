using System.Buffers.Binary;

namespace Outflow.Engine.Scratch;

/// <summary>
/// Sorts the keys of every row read by identity hash, then row hash, then row number, in bounded memory: keys are
/// collected in runs of <see cref="RunLength"/>, each run is sorted and appended to a file, and reading merges the
/// runs. The file is deleted on dispose.
/// </summary>
internal sealed class KeySorter : IDisposable
{
    public const int RunLength = 64 * 1024;

    private const int KeyLength = 40;
    private const int ReadBufferSize = 64 * 1024;

    private readonly string _path;
    private readonly ScratchKey[] _run = new ScratchKey[RunLength];
    private readonly List<(long Offset, int Count)> _runs = [];
    private readonly byte[] _record = new byte[KeyLength];
    private FileStream? _file;
    private int _count;

    public KeySorter(string path)
    {
        _path = path;
    }

    public void Add(ScratchKey key)
    {
        _run[_count++] = key;
        if (_count == RunLength)
        {
            WriteRun();
        }
    }

    /// <summary>Lists every key added, in order. Keys added while the list is read are not in it.</summary>
    public IEnumerable<ScratchKey> ReadSorted()
    {
        if (_runs.Count == 0)
        {
            // Everything fits in one run, so no file is needed.
            _run.AsSpan(0, _count).Sort();
            var count = _count;
            for (var i = 0; i < count; i++)
            {
                yield return _run[i];
            }

            yield break;
        }

        if (_count > 0)
        {
            WriteRun();
        }

        _file!.Flush();
        var readers = _runs.ConvertAll(run => new RunReader(_path, run.Offset, run.Count));
        try
        {
            var queue = new PriorityQueue<RunReader, ScratchKey>(readers.Count);
            foreach (var reader in readers)
            {
                if (reader.MoveNext())
                {
                    queue.Enqueue(reader, reader.Current);
                }
            }

            while (queue.TryDequeue(out var reader, out var key))
            {
                yield return key;
                if (reader.MoveNext())
                {
                    queue.Enqueue(reader, reader.Current);
                }
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _file?.Dispose();
        }
        finally
        {
            File.Delete(_path);
        }
    }

    private void WriteRun()
    {
        _run.AsSpan(0, _count).Sort();
        _file ??= new FileStream(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, ReadBufferSize);
        _runs.Add((_file.Position, _count));
        for (var i = 0; i < _count; i++)
        {
            var key = _run[i];
            BinaryPrimitives.WriteUInt128LittleEndian(_record, key.IdentityHash);
            BinaryPrimitives.WriteUInt128LittleEndian(_record.AsSpan(16), key.RowHash);
            BinaryPrimitives.WriteInt64LittleEndian(_record.AsSpan(32), key.RowId);
            _file.Write(_record);
        }

        _count = 0;
    }

    /// <summary>Reads one sorted run back from the file.</summary>
    private sealed class RunReader : IDisposable
    {
        private readonly FileStream _stream;
        private readonly byte[] _record = new byte[KeyLength];
        private int _left;

        public RunReader(string path, long offset, int count)
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, ReadBufferSize);
            _stream.Seek(offset, SeekOrigin.Begin);
            _left = count;
        }

        public ScratchKey Current { get; private set; }

        public bool MoveNext()
        {
            if (_left == 0)
            {
                return false;
            }

            _stream.ReadExactly(_record);
            _left--;
            Current = new ScratchKey(
                BinaryPrimitives.ReadInt64LittleEndian(_record.AsSpan(32)),
                BinaryPrimitives.ReadUInt128LittleEndian(_record),
                BinaryPrimitives.ReadUInt128LittleEndian(_record.AsSpan(16)));
            return true;
        }

        public void Dispose() => _stream.Dispose();
    }
}
