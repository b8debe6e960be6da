using System.Buffers.Binary;
using System.Collections;
using Microsoft.Data.Sqlite;
using Outflow.Core.Executions;
using Outflow.Engine.Rows;

namespace Outflow.Engine.Scratch;

/// <summary>
/// The per-execution files that contain what the diff needs, so that memory does not grow with the model: a
/// <see cref="RowFile"/> with every row read, numbered in read order, and a SQLite file with <c>duplicates</c> (the
/// rows of repeated identities), <c>deletes</c> (records the read did not see) and <c>occurrences</c> (how often each
/// row content was read, for modes without an identity). A <see cref="KeySorter"/> file sorts the rows' keys by
/// identity so the diff can walk them beside the sync's state, which is stored in the same order. Which rows are
/// pending, and which of those are new, is kept as two bits per row. The files are not durable and are deleted
/// on dispose. Methods are synchronous because the SQLite provider completes its async methods synchronously anyway.
/// </summary>
internal sealed class ScratchDatabase : IDisposable
{
    // The cache bounds the memory that the scratch file uses.
    private const string Schema = """
        PRAGMA page_size = 8192;
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        PRAGMA cache_size = -16384;
        CREATE TABLE duplicates (row_id INTEGER PRIMARY KEY, identity_hash BLOB NOT NULL);
        CREATE TABLE deletes (identity_hash BLOB PRIMARY KEY, identity TEXT NOT NULL, replayed INTEGER NOT NULL, is_new INTEGER NOT NULL);
        CREATE TABLE occurrences (content_hash BLOB PRIMARY KEY, count INTEGER NOT NULL);
        """;

    private const int HashLength = 16;

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _addDuplicate;
    private readonly SqliteCommand _addDelete;
    private readonly SqliteCommand _addOccurrence;
    private readonly KeySorter _keys;
    private readonly RowFile _rows;
    private bool _inTransaction;
    private BitArray? _pending;
    private BitArray? _new;
    private BitArray? _replayed;
    private long _pendingCount;
    private long _newCount;

    private ScratchDatabase(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
        _keys = new KeySorter(path + ".keys");
        _rows = new RowFile(path + ".rows");
        _addDuplicate = Prepare("INSERT INTO duplicates (row_id, identity_hash) VALUES ($row_id, $hash)", "$row_id", "$hash");
        _addDelete = Prepare(
            """
            INSERT INTO deletes (identity_hash, identity, replayed, is_new) VALUES ($hash, $identity, $replayed, $is_new)
            ON CONFLICT (identity_hash) DO NOTHING
            """,
            "$hash", "$identity", "$replayed", "$is_new");
        _addOccurrence = Prepare(
            """
            INSERT INTO occurrences (content_hash, count) VALUES ($hash, 1)
            ON CONFLICT (content_hash) DO UPDATE SET count = count + 1
            RETURNING count
            """,
            "$hash");
    }

    /// <summary>Creates an empty scratch database for one execution, replacing a leftover file of an earlier attempt.</summary>
    public static ScratchDatabase Create(string directory, Guid executionId)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"execution-{executionId:N}.sqlite");
        File.Delete(path);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Schema;
            command.ExecuteNonQuery();
            return new ScratchDatabase(path, connection);
        }
        catch
        {
            connection.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Appends one row read from the model.</summary>
    public void AddRow(UInt128 identityHash, string identity, UInt128 rowHash, ReadOnlySpan<byte> payload)
    {
        var rowId = _rows.Append(identityHash, identity, rowHash, payload);
        _keys.Add(new ScratchKey(rowId, identityHash, rowHash));
    }

    /// <summary>Records one more row with this content and returns how many were read so far.</summary>
    public long AddOccurrence(UInt128 contentHash)
    {
        Begin();
        SetValues(_addOccurrence, ToBytes(contentHash));
        return (long)_addOccurrence.ExecuteScalar()!;
    }

    /// <summary>
    /// Lists every row's number, identity hash and row hash, ordered by identity hash and then row hash, so that rows
    /// of one identity are adjacent. Pending rows, duplicates and deletes may be added while the list is read.
    /// </summary>
    public IEnumerable<ScratchKey> ReadKeysByIdentity()
    {
        Commit();
        return _keys.ReadSorted();
    }

    /// <summary>Marks a row to be written; <paramref name="replayed"/> when an earlier attempt crashed while writing it.</summary>
    public void AddPending(long rowId, bool isNew, bool replayed)
    {
        _pending ??= new BitArray(checked((int)_rows.Count + 1));
        _new ??= new BitArray(_pending.Length);
        _replayed ??= new BitArray(_pending.Length);
        var index = (int)rowId;
        if (_pending[index])
        {
            return;
        }

        _pending[index] = true;
        _new[index] = isNew;
        _replayed[index] = replayed;
        _pendingCount++;
        _newCount += isNew ? 1 : 0;
    }

    /// <summary>Marks a row whose identity another row of the model also has.</summary>
    public void AddDuplicate(ScratchKey row)
    {
        Begin();
        SetValues(_addDuplicate, row.RowId, ToBytes(row.IdentityHash));
        _addDuplicate.ExecuteNonQuery();
    }

    /// <summary>
    /// Records an identity of the sync's state that the read did not see, with the row hash that the state has for it,
    /// which may be the mark of an unconfirmed write.
    /// </summary>
    public void AddDelete(UInt128 identityHash, string identity, UInt128 storedRowHash)
    {
        Begin();
        var replayed = StateChange.IsUnconfirmed(storedRowHash) ? 1 : 0;
        var isNew = storedRowHash == StateChange.Unconfirmed ? 1 : 0;
        SetValues(_addDelete, ToBytes(identityHash), identity, replayed, isNew);
        _addDelete.ExecuteNonQuery();
    }

    /// <summary>Commits the duplicates and deletes added since the last commit, which are added in transactions because one per row is slow.</summary>
    public void Commit()
    {
        if (_inTransaction)
        {
            Execute("COMMIT");
            _inTransaction = false;
        }
    }

    /// <summary>Lists every row of the identities read more than once, grouped by identity and in read order within one.</summary>
    public IEnumerable<ScratchRow> ReadDuplicateRows()
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT row_id FROM duplicates ORDER BY identity_hash, row_id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = _rows.Read(reader.GetInt64(0));
            yield return new ScratchRow(row.Identity, row.Payload);
        }
    }

    /// <summary>Counts the pending rows, and those whose identity is not in the sync's state.</summary>
    public (long Pending, long New) CountPending() => (_pendingCount, _newCount);

    /// <summary>Forgets every pending row, once a baseline recorded them without writing.</summary>
    public void ClearPending()
    {
        _pending?.SetAll(false);
        _pendingCount = 0;
        _newCount = 0;
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> pending rows after the row number <paramref name="after"/>, in read order,
    /// each with its values decoded into a new array of <paramref name="fieldCount"/>. A count of 0 decodes nothing.
    /// </summary>
    public List<(long RowId, PendingRecord Record, object?[] Values)> ReadPending(long after, int limit, int fieldCount)
    {
        Commit();
        var records = new List<(long, PendingRecord, object?[])>(limit);
        if (_pending is null)
        {
            return records;
        }

        for (var rowId = after + 1; rowId <= _rows.Count && records.Count < limit; rowId++)
        {
            if (_pending[(int)rowId])
            {
                // The payload is decoded in the file's read buffer, so no copy of it outlives this loop.
                var row = _rows.View(rowId);
                object?[] values = [];
                if (fieldCount > 0)
                {
                    values = new object?[fieldCount];
                    ValueCodec.ReadAll(row.Payload, values);
                }

                var record = new PendingRecord(row.IdentityHash, row.Identity, row.RowHash, _new![(int)rowId], IsAbsent: false, _replayed![(int)rowId]);
                records.Add((rowId, record, values));
            }
        }

        return records;
    }

    /// <summary>Reads up to <paramref name="limit"/> records to delete after the row number <paramref name="after"/>.</summary>
    public List<(long RowId, PendingRecord Record)> ReadDeletes(long after, int limit)
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT rowid, identity_hash, identity, replayed, is_new FROM deletes WHERE rowid > $after ORDER BY rowid LIMIT $limit";
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        var records = new List<(long, PendingRecord)>(limit);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = new PendingRecord(
                FromBytes((byte[])reader.GetValue(1)), reader.GetString(2), 0, reader.GetInt64(4) != 0, IsAbsent: true, reader.GetInt64(3) != 0);
            records.Add((reader.GetInt64(0), record));
        }

        return records;
    }

    public void Dispose()
    {
        try
        {
            Disposables.DisposeAll(_keys, _rows, _addDuplicate, _addDelete, _addOccurrence, _connection);
        }
        finally
        {
            File.Delete(_path);
        }
    }

    private static byte[] ToBytes(UInt128 value)
    {
        var bytes = new byte[HashLength];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return bytes;
    }

    private static UInt128 FromBytes(byte[] bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);

    private static void SetValues(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private SqliteCommand Prepare(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private void Begin()
    {
        if (!_inTransaction)
        {
            Execute("BEGIN");
            _inTransaction = true;
        }
    }

    private int Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }
}
