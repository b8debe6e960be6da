using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Outflow.Engine.Scratch;

/// <summary>
/// The rows read from the model, numbered from 1 in read order. Rows are appended to a data file, and an index file
/// lists each row's offset in it, so a row is read back by its number without a search. An append is a buffered
/// copy, with no table or index to update. Both files are deleted on dispose.
/// </summary>
internal sealed class RowFile : IDisposable
{
    // A record is its length (of what follows), identity hash, row hash, identity length, identity and payload.
    private const int LengthPrefix = sizeof(int);
    private const int HeaderLength = LengthPrefix + 16 + 16 + sizeof(int);
    private const int OffsetLength = sizeof(long);
    private const int WriteBufferSize = 256 * 1024;
    private const int ReadWindowSize = 64 * 1024;
    private const int JumpReadSize = 4 * 1024;

    private readonly string _dataPath;
    private readonly string _indexPath;
    private readonly FileStream _data;
    private readonly FileStream _index;
    private readonly ReadWindow _dataWindow;
    private readonly ReadWindow _indexWindow;
    private long _dataLength;
    private bool _unflushed;

    public RowFile(string path)
    {
        _dataPath = path;
        _indexPath = path + ".index";
        _data = Create(_dataPath);
        try
        {
            _index = Create(_indexPath);
        }
        catch
        {
            _data.Dispose();
            File.Delete(_dataPath);
            throw;
        }

        _dataWindow = new ReadWindow(_data.SafeFileHandle);
        _indexWindow = new ReadWindow(_index.SafeFileHandle);
    }

    /// <summary>The number of rows appended, which is also the number of the last one.</summary>
    public long Count { get; private set; }

    /// <summary>Appends a row and returns its number.</summary>
    public long Append(UInt128 identityHash, string identity, UInt128 rowHash, ReadOnlySpan<byte> payload)
    {
        var identityLength = Encoding.UTF8.GetByteCount(identity);
        var recordLength = HeaderLength + identityLength + payload.Length;
        var rented = ArrayPool<byte>.Shared.Rent(HeaderLength + identityLength);
        try
        {
            var header = rented.AsSpan(0, HeaderLength);
            BinaryPrimitives.WriteInt32LittleEndian(header, recordLength - LengthPrefix);
            BinaryPrimitives.WriteUInt128LittleEndian(header[LengthPrefix..], identityHash);
            BinaryPrimitives.WriteUInt128LittleEndian(header[(LengthPrefix + 16)..], rowHash);
            BinaryPrimitives.WriteInt32LittleEndian(header[(LengthPrefix + 32)..], identityLength);
            Encoding.UTF8.GetBytes(identity, rented.AsSpan(HeaderLength, identityLength));
            _data.Write(rented, 0, HeaderLength + identityLength);
            _data.Write(payload);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        Span<byte> offset = stackalloc byte[OffsetLength];
        BinaryPrimitives.WriteInt64LittleEndian(offset, _dataLength);
        _index.Write(offset);
        _dataLength += recordLength;
        _unflushed = true;
        return ++Count;
    }

    /// <summary>Reads the row with the given number.</summary>
    public StoredRow Read(long rowNumber)
    {
        var row = View(rowNumber);
        return new StoredRow(row.IdentityHash, row.Identity, row.RowHash, row.Payload.ToArray());
    }

    /// <summary>
    /// Reads the row with the given number without copying its payload, which stays valid until the next read.
    /// </summary>
    public RowView View(long rowNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowNumber, Count);
        if (_unflushed)
        {
            _data.Flush();
            _index.Flush();
            _unflushed = false;
        }

        var offset = BinaryPrimitives.ReadInt64LittleEndian(_indexWindow.Read((rowNumber - 1) * OffsetLength, OffsetLength));
        var length = BinaryPrimitives.ReadInt32LittleEndian(_dataWindow.Read(offset, LengthPrefix));
        var record = _dataWindow.Read(offset, LengthPrefix + length);
        var identityLength = BinaryPrimitives.ReadInt32LittleEndian(record[(LengthPrefix + 32)..]);
        return new RowView(
            BinaryPrimitives.ReadUInt128LittleEndian(record[LengthPrefix..]),
            Encoding.UTF8.GetString(record.Slice(HeaderLength, identityLength)),
            BinaryPrimitives.ReadUInt128LittleEndian(record[(LengthPrefix + 16)..]),
            record[(HeaderLength + identityLength)..]);
    }

    public void Dispose()
    {
        try
        {
            Disposables.DisposeAll(_data, _index);
        }
        finally
        {
            File.Delete(_dataPath);
            File.Delete(_indexPath);
        }
    }

    private static FileStream Create(string path) =>
        new(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, WriteBufferSize, FileOptions.None);

    /// <summary>
    /// A buffer of the bytes from the last position that missed it, so reading rows in order reads the file in large
    /// pieces.
    /// </summary>
    private sealed class ReadWindow(SafeFileHandle file)
    {
        private byte[] _buffer = new byte[ReadWindowSize];
        private long _start;
        private int _length;

        public ReadOnlySpan<byte> Read(long position, int count)
        {
            if (position < _start || position + count > _start + _length)
            {
                Fill(position, count);
            }

            return _buffer.AsSpan((int)(position - _start), count);
        }

        private void Fill(long position, int count)
        {
            if (count > _buffer.Length)
            {
                _buffer = new byte[count];
            }

            // Reading on from the window, as reading rows in order does, fills a whole window. A jump far ahead or
            // back reads only a page, so rows far apart cost about a page each.
            var readsOn = position >= _start && position <= _start + _length + _buffer.Length;
            var size = Math.Max(count, readsOn ? _buffer.Length : JumpReadSize);
            _start = position;
            _length = 0;
            while (_length < count)
            {
                var read = RandomAccess.Read(file, _buffer.AsSpan(_length, size - _length), position + _length);
                if (read == 0)
                {
                    throw new EndOfStreamException($"the scratch row file ends at byte {position + _length}, before the row it lists");
                }

                _length += read;
            }
        }
    }
}

/// <summary>One row of a <see cref="RowFile"/>: its identity, the hashes the diff compares, and its encoded values.</summary>
internal sealed record StoredRow(UInt128 IdentityHash, string Identity, UInt128 RowHash, byte[] Payload);

/// <summary>One row of a <see cref="RowFile"/> as read, with its payload still in the file's read buffer.</summary>
internal readonly ref struct RowView(UInt128 identityHash, string identity, UInt128 rowHash, ReadOnlySpan<byte> payload)
{
    public UInt128 IdentityHash { get; } = identityHash;

    public string Identity { get; } = identity;

    public UInt128 RowHash { get; } = rowHash;

    public ReadOnlySpan<byte> Payload { get; } = payload;
}
