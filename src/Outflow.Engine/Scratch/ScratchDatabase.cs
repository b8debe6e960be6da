using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Outflow.Engine.Scratch;

/// <summary>
/// A per-execution SQLite file that holds what the diff needs, so that memory does not grow with the model:
/// <c>rows</c> (every row read, in read order, appended without an index while the model is read),
/// <c>pending</c> (the rows to write, by row number), <c>duplicates</c> (the rows of repeated identities),
/// <c>deletes</c> (records the read did not see) and <c>occurrences</c> (how often each row content was read, for
/// modes without an identity). After the read, an index sorts the rows by identity so the diff can walk them beside
/// the sync's state, which is stored in the same order. The file is not durable and is deleted on dispose. Methods
/// are synchronous because the SQLite provider completes its async methods synchronously anyway.
/// </summary>
internal sealed class ScratchDatabase : IDisposable
{
    // The cache bounds the memory the scratch file uses; sorting for the index spills to temporary files beyond it.
    private const string Schema = """
        PRAGMA page_size = 8192;
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        PRAGMA cache_size = -16384;
        CREATE TABLE rows (identity_hash BLOB NOT NULL, identity TEXT NOT NULL, row_hash BLOB NOT NULL, payload BLOB NOT NULL);
        CREATE TABLE pending (row_id INTEGER PRIMARY KEY, is_new INTEGER NOT NULL);
        CREATE TABLE duplicates (row_id INTEGER PRIMARY KEY);
        CREATE TABLE deletes (identity_hash BLOB PRIMARY KEY, identity TEXT NOT NULL);
        CREATE TABLE occurrences (content_hash BLOB PRIMARY KEY, count INTEGER NOT NULL);
        """;

    private const int HashLength = 16;

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _addRow;
    private readonly SqliteCommand _addPending;
    private readonly SqliteCommand _addDuplicate;
    private readonly SqliteCommand _addDelete;
    private readonly SqliteCommand _addOccurrence;
    private readonly byte[] _identityHash = new byte[HashLength];
    private readonly byte[] _rowHash = new byte[HashLength];
    private bool _inTransaction;
    private bool _indexed;

    private ScratchDatabase(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
        _addRow = Prepare(
            "INSERT INTO rows (identity_hash, identity, row_hash, payload) VALUES ($hash, $identity, $row_hash, $payload)",
            "$hash", "$identity", "$row_hash", "$payload");
        _addPending = Prepare("INSERT INTO pending (row_id, is_new) VALUES ($row_id, $is_new)", "$row_id", "$is_new");
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
        SetValues(_addRow, ToBytes(identityHash), identity, ToBytes(rowHash), payload);
        _addRow.ExecuteNonQuery();
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
    /// of one identity are adjacent. The first call builds the index that gives this order. Rows, pending rows,
    /// duplicates and deletes may be added while the list is read; they are committed by <see cref="Commit"/>.
    /// </summary>
    public IEnumerable<ScratchKey> ReadKeysByIdentity()
    {
        Commit();
        if (!_indexed)
        {
            // Built once after the read: sorting all rows at once is much faster than keeping an index up to date.
            Execute("CREATE INDEX rows_identity ON rows (identity_hash, row_hash)");
            _indexed = true;
        }

        Begin();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT rowid, identity_hash, row_hash FROM rows ORDER BY identity_hash, row_hash";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            reader.GetBytes(1, 0, _identityHash, 0, HashLength);
            reader.GetBytes(2, 0, _rowHash, 0, HashLength);
            yield return new ScratchKey(
                reader.GetInt64(0), BinaryPrimitives.ReadUInt128BigEndian(_identityHash), BinaryPrimitives.ReadUInt128BigEndian(_rowHash));
        }
    }

    /// <summary>Marks a row to be written, in read order.</summary>
    public void AddPending(long rowId, bool isNew)
    {
        Begin();
        SetValues(_addPending, rowId, isNew ? 1 : 0);
        _addPending.ExecuteNonQuery();
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
            SELECT r.identity, r.payload FROM duplicates d JOIN rows r ON r.rowid = d.row_id
            ORDER BY r.identity_hash, r.rowid
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new ScratchRow(reader.GetString(0), (byte[])reader.GetValue(1));
        }
    }

    /// <summary>Counts the pending rows, and those whose identity is not in the sync's state.</summary>
    public (long Pending, long New) CountPending()
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(is_new), 0) FROM pending";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Counts the records to delete.</summary>
    public long CountDeletes()
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM deletes";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Forgets every pending row, once a baseline recorded them without writing.</summary>
    public void ClearPending()
    {
        Commit();
        Execute("DELETE FROM pending");
    }

    /// <summary>Reads up to <paramref name="limit"/> pending rows after the row number <paramref name="after"/>, in read order.</summary>
    public List<(long RowId, PendingRecord Record)> ReadPending(long after, int limit)
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT p.row_id, r.identity_hash, r.identity, r.row_hash, p.is_new, r.payload
            FROM pending p JOIN rows r ON r.rowid = p.row_id
            WHERE p.row_id > $after ORDER BY p.row_id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        var records = new List<(long, PendingRecord)>(limit);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = new PendingRecord(
                FromBytes((byte[])reader.GetValue(1)),
                reader.GetString(2),
                FromBytes((byte[])reader.GetValue(3)),
                reader.GetInt64(4) != 0,
                (byte[])reader.GetValue(5));
            records.Add((reader.GetInt64(0), record));
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
        _addRow.Dispose();
        _addPending.Dispose();
        _addDuplicate.Dispose();
        _addDelete.Dispose();
        _addOccurrence.Dispose();
        _connection.Dispose();
        File.Delete(_path);
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
