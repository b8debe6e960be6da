using System.Buffers.Binary;
using System.Collections;
using Microsoft.Data.Sqlite;

namespace Outflow.Engine.Scratch;

/// <summary>
/// A per-execution SQLite file that contains what the diff needs, so that memory does not grow with the model:
/// <c>rows</c> (every row read, numbered in read order and appended without an index), <c>duplicates</c> (the rows
/// of repeated identities), <c>deletes</c> (records the read did not see) and <c>occurrences</c> (how often each
/// row content was read, for modes without an identity). Beside it, a <see cref="KeySorter"/> file sorts the rows'
/// keys by identity so the diff can walk them beside the sync's state, which is stored in the same order. Which rows
/// are pending, and which of those are new, is kept as two bits per row. The files are not durable and are deleted
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
        CREATE TABLE rows (row_id INTEGER PRIMARY KEY, identity_hash BLOB NOT NULL, identity TEXT NOT NULL, row_hash BLOB NOT NULL,
            payload BLOB NOT NULL);
        CREATE TABLE duplicates (row_id INTEGER PRIMARY KEY);
        CREATE TABLE deletes (identity_hash BLOB PRIMARY KEY, identity TEXT NOT NULL);
        CREATE TABLE occurrences (content_hash BLOB PRIMARY KEY, count INTEGER NOT NULL);
        """;

    private const int HashLength = 16;

    private const string RowColumns = "SELECT row_id, identity_hash, identity, row_hash, payload FROM rows";

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _addRow;
    private readonly SqliteCommand _readRow;
    private readonly SqliteCommand _addDuplicate;
    private readonly SqliteCommand _addDelete;
    private readonly SqliteCommand _addOccurrence;
    private readonly KeySorter _keys;
    private bool _inTransaction;
    private long _rowCount;
    private BitArray? _pending;
    private BitArray? _new;
    private long _pendingCount;
    private long _newCount;

    private ScratchDatabase(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
        _keys = new KeySorter(path + ".keys");
        _addRow = Prepare(
            "INSERT INTO rows (row_id, identity_hash, identity, row_hash, payload) VALUES ($row_id, $hash, $identity, $row_hash, $payload)",
            "$row_id", "$hash", "$identity", "$row_hash", "$payload");
        _readRow = Prepare(RowColumns + " WHERE row_id = $row_id", "$row_id");
        _addDuplicate = Prepare("INSERT INTO duplicates (row_id) VALUES ($row_id)", "$row_id");
        _addDelete = Prepare(
            "INSERT INTO deletes (identity_hash, identity) VALUES ($hash, $identity) ON CONFLICT (identity_hash) DO NOTHING",
            "$hash", "$identity");
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
    public void AddRow(UInt128 identityHash, string identity, UInt128 rowHash, byte[] payload)
    {
        Begin();
        var rowId = ++_rowCount;
        SetValues(_addRow, rowId, ToBytes(identityHash), identity, ToBytes(rowHash), payload);
        _addRow.ExecuteNonQuery();
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

    /// <summary>Marks a row to be written.</summary>
    public void AddPending(long rowId, bool isNew)
    {
        _pending ??= new BitArray(checked((int)_rowCount + 1));
        _new ??= new BitArray(_pending.Length);
        var index = (int)rowId;
        if (_pending[index])
        {
            return;
        }

        _pending[index] = true;
        _new[index] = isNew;
        _pendingCount++;
        _newCount += isNew ? 1 : 0;
    }

    /// <summary>Marks a row whose identity another row of the model also has.</summary>
    public void AddDuplicate(long rowId)
    {
        Begin();
        SetValues(_addDuplicate, rowId);
        _addDuplicate.ExecuteNonQuery();
    }

    /// <summary>Records an identity of the sync's state that the read did not see.</summary>
    public void AddDelete(UInt128 identityHash, string identity)
    {
        Begin();
        SetValues(_addDelete, ToBytes(identityHash), identity);
        _addDelete.ExecuteNonQuery();
    }

    /// <summary>Commits the rows added since the last commit. Rows are added in transactions because one per row is slow.</summary>
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
        command.CommandText = """
            SELECT r.identity, r.payload FROM duplicates d JOIN rows r ON r.row_id = d.row_id
            ORDER BY r.identity_hash, r.row_id
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new ScratchRow(reader.GetString(0), (byte[])reader.GetValue(1));
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

    /// <summary>Reads up to <paramref name="limit"/> pending rows after the row number <paramref name="after"/>, in read order.</summary>
    public List<(long RowId, PendingRecord Record)> ReadPending(long after, int limit)
    {
        Commit();
        var records = new List<(long, PendingRecord)>(limit);
        if (_pending is null)
        {
            return records;
        }

        var rowIds = new List<long>(limit);
        for (var rowId = after + 1; rowId <= _rowCount && rowIds.Count < limit; rowId++)
        {
            if (_pending[(int)rowId])
            {
                rowIds.Add(rowId);
            }
        }

        if (rowIds.Count == 0)
        {
            return records;
        }

        // Dense pending rows, as in a first execution, are read in one range; sparse ones one by one.
        var first = rowIds[0];
        var last = rowIds[^1];
        if (last - first + 1 <= 4L * rowIds.Count)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = RowColumns + " WHERE row_id BETWEEN $first AND $last ORDER BY row_id";
            command.Parameters.AddWithValue("$first", first);
            command.Parameters.AddWithValue("$last", last);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var rowId = reader.GetInt64(0);
                if (_pending[(int)rowId])
                {
                    records.Add((rowId, ToPending(reader)));
                }
            }

            return records;
        }

        foreach (var rowId in rowIds)
        {
            _readRow.Parameters[0].Value = rowId;
            using var reader = _readRow.ExecuteReader();
            reader.Read();
            records.Add((rowId, ToPending(reader)));
        }

        return records;
    }

    /// <summary>Reads up to <paramref name="limit"/> records to delete after the row number <paramref name="after"/>.</summary>
    public List<(long RowId, PendingRecord Record)> ReadDeletes(long after, int limit)
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT rowid, identity_hash, identity FROM deletes WHERE rowid > $after ORDER BY rowid LIMIT $limit";
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        var records = new List<(long, PendingRecord)>(limit);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = new PendingRecord(FromBytes((byte[])reader.GetValue(1)), reader.GetString(2), 0, false, []);
            records.Add((reader.GetInt64(0), record));
        }

        return records;
    }

    public void Dispose()
    {
        _keys.Dispose();
        _addRow.Dispose();
        _readRow.Dispose();
        _addDuplicate.Dispose();
        _addDelete.Dispose();
        _addOccurrence.Dispose();
        _connection.Dispose();
        File.Delete(_path);
    }

    private PendingRecord ToPending(SqliteDataReader reader)
    {
        var rowId = (int)reader.GetInt64(0);
        return new PendingRecord(
            FromBytes((byte[])reader.GetValue(1)),
            reader.GetString(2),
            FromBytes((byte[])reader.GetValue(3)),
            _new![rowId],
            (byte[])reader.GetValue(4));
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
