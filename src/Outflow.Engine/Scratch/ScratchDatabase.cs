using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Outflow.Engine.Scratch;

/// <summary>
/// A per-execution SQLite file that contains what the diff needs so that memory does not grow with the model:
/// <c>seen</c> (every identity read, how often, and its first row), <c>duplicates</c> (the later rows of a
/// repeated identity), <c>pending</c> (new and changed rows, in read order), <c>deletes</c> (records to
/// delete) and <c>occurrences</c> (how often each row content was read, for modes without an identity). The file is not durable and is deleted on dispose. Methods are synchronous because the SQLite
/// provider completes its async methods synchronously anyway.
/// </summary>
internal sealed class ScratchDatabase : IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE seen (identity_hash BLOB PRIMARY KEY, identity TEXT NOT NULL, occurrences INTEGER NOT NULL, payload BLOB NOT NULL);
        CREATE TABLE duplicates (identity_hash BLOB NOT NULL, identity TEXT NOT NULL, payload BLOB NOT NULL);
        CREATE TABLE pending (identity_hash BLOB PRIMARY KEY, identity TEXT NOT NULL, row_hash BLOB NOT NULL,
            is_new INTEGER NOT NULL, payload BLOB NOT NULL);
        CREATE TABLE deletes (identity_hash BLOB PRIMARY KEY, identity TEXT NOT NULL);
        CREATE TABLE occurrences (content_hash BLOB PRIMARY KEY, count INTEGER NOT NULL);
        """;

    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _addSeen;
    private readonly SqliteCommand _addDuplicate;
    private readonly SqliteCommand _addPending;
    private readonly SqliteCommand _isSeen;
    private readonly SqliteCommand _addDelete;
    private readonly SqliteCommand _addOccurrence;
    private bool _inTransaction;

    private ScratchDatabase(string path, SqliteConnection connection)
    {
        _path = path;
        _connection = connection;
        _addSeen = Prepare(
            """
            INSERT INTO seen (identity_hash, identity, occurrences, payload) VALUES ($hash, $identity, 1, $payload)
            ON CONFLICT (identity_hash) DO UPDATE SET occurrences = occurrences + 1
            RETURNING occurrences
            """,
            "$hash", "$identity", "$payload");
        _addDuplicate = Prepare(
            "INSERT INTO duplicates (identity_hash, identity, payload) VALUES ($hash, $identity, $payload)",
            "$hash", "$identity", "$payload");
        _addPending = Prepare(
            """
            INSERT INTO pending (identity_hash, identity, row_hash, is_new, payload)
            VALUES ($hash, $identity, $row_hash, $is_new, $payload)
            ON CONFLICT (identity_hash) DO NOTHING
            """,
            "$hash", "$identity", "$row_hash", "$is_new", "$payload");
        _isSeen = Prepare("SELECT 1 FROM seen WHERE identity_hash = $hash", "$hash");
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

    /// <summary>Records one more row of an identity and returns how many rows of it were read so far.</summary>
    public long AddSeen(UInt128 identityHash, string identity, byte[] payload)
    {
        Begin();
        SetValues(_addSeen, ToBytes(identityHash), identity, payload);
        return (long)_addSeen.ExecuteScalar()!;
    }

    /// <summary>Records one more row with this content and returns how many were read so far.</summary>
    public long AddOccurrence(UInt128 contentHash)
    {
        Begin();
        SetValues(_addOccurrence, ToBytes(contentHash));
        return (long)_addOccurrence.ExecuteScalar()!;
    }

    public void AddDuplicate(UInt128 identityHash, string identity, byte[] payload)
    {
        Begin();
        SetValues(_addDuplicate, ToBytes(identityHash), identity, payload);
        _addDuplicate.ExecuteNonQuery();
    }

    public void AddPending(UInt128 identityHash, string identity, UInt128 rowHash, bool isNew, byte[] payload)
    {
        Begin();
        SetValues(_addPending, ToBytes(identityHash), identity, ToBytes(rowHash), isNew ? 1 : 0, payload);
        _addPending.ExecuteNonQuery();
    }

    public bool IsSeen(UInt128 identityHash)
    {
        SetValues(_isSeen, ToBytes(identityHash));
        return _isSeen.ExecuteScalar() is not null;
    }

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

    /// <summary>Lists every row of the identities read more than once, grouped by identity.</summary>
    public IEnumerable<ScratchRow> ReadDuplicateRows()
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT identity_hash, identity, payload FROM seen WHERE occurrences > 1
            UNION ALL
            SELECT identity_hash, identity, payload FROM duplicates
            ORDER BY identity_hash
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new ScratchRow(reader.GetString(1), (byte[])reader.GetValue(2));
        }
    }

    /// <summary>Removes the rows of repeated identities from <c>pending</c>, because none of them is written, and returns how many.</summary>
    public int RemoveDuplicatesFromPending()
    {
        Commit();
        return Execute("DELETE FROM pending WHERE identity_hash IN (SELECT identity_hash FROM seen WHERE occurrences > 1)");
    }

    /// <summary>Counts the pending rows whose identity is not in the sync's state, for progress reports.</summary>
    public long CountPendingNew()
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pending WHERE is_new = 1";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Reads up to <paramref name="limit"/> pending rows after the row number <paramref name="after"/>, in read order.</summary>
    public List<(long RowId, PendingRecord Record)> ReadPending(long after, int limit)
    {
        Commit();
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT rowid, identity_hash, identity, row_hash, is_new, payload FROM pending
            WHERE rowid > $after ORDER BY rowid LIMIT $limit
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
        _addSeen.Dispose();
        _addDuplicate.Dispose();
        _addPending.Dispose();
        _isSeen.Dispose();
        _addDelete.Dispose();
        _addOccurrence.Dispose();
        _connection.Dispose();
        File.Delete(_path);
    }

    private static byte[] ToBytes(UInt128 value)
    {
        var bytes = new byte[16];
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
