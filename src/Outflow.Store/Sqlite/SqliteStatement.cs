using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Outflow.Store.Sqlite;

/// <summary>
/// A statement prepared through SQLite's own API on an open store connection, with parameters bound by number. It
/// runs in whatever transaction the connection has open. Microsoft.Data.Sqlite binds each parameter by its name on
/// every execution, and SQLite finds a name by comparing it with the statement's names one by one. In a profile of
/// a first sync, that search took nearly half of the time spent binding the state's multi-row statements.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    /// <exception cref="SqliteException">SQLite could not prepare <paramref name="sql"/>.</exception>
    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("the store connection is not open");
        Check(raw.sqlite3_prepare_v2(_database, sql, out _statement));
    }

    /// <summary>Prepares <paramref name="sql"/>, a statement over one sync's state, with the sync id bound to parameter 1.</summary>
    /// <exception cref="SqliteException">SQLite could not prepare <paramref name="sql"/>.</exception>
    public static SqliteStatement ForSync(SqliteConnection connection, string sql, string syncId)
    {
        var statement = new SqliteStatement(connection, sql);
        try
        {
            statement.BindText(1, syncId);
            return statement;
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    /// <summary>Binds text to parameter number <paramref name="parameter"/>, counted from 1.</summary>
    public void BindText(int parameter, string value) => Check(raw.sqlite3_bind_text(_statement, parameter, value));

    /// <summary>Binds a hash as the 16-byte big-endian blob the state stores.</summary>
    public void BindHash(int parameter, UInt128 hash)
    {
        Span<byte> bytes = stackalloc byte[StoreValues.HashLength];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);
        // SQLitePCL binds blobs with SQLITE_TRANSIENT, so SQLite copies the bytes before this frame ends.
        Check(raw.sqlite3_bind_blob(_statement, parameter, bytes));
    }

    /// <summary>Moves to the next result row, or returns false after the last one.</summary>
    /// <exception cref="SqliteException">SQLite failed to run the statement.</exception>
    public bool Step()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }

        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }

        return false;
    }

    /// <summary>Runs a statement that returns no rows, then makes it ready to run again with new values.</summary>
    public void Execute()
    {
        try
        {
            while (Step())
            {
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Makes the statement ready to run again. Bound values stay until they are bound anew.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    /// <summary>Reads a hash from <paramref name="column"/> of the current row, counted from 0.</summary>
    /// <exception cref="InvalidDataException">The value does not have 16 bytes.</exception>
    public UInt128 ReadHash(int column)
    {
        // A NULL reads as no bytes, so it fails the length check too.
        var bytes = raw.sqlite3_column_blob(_statement, column);
        if (bytes.Length != StoreValues.HashLength)
        {
            throw new InvalidDataException(
                $"A stored hash has {bytes.Length} bytes instead of {StoreValues.HashLength}, so the sync_state table is damaged.");
        }

        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>Reads <paramref name="column"/> of the current row as text.</summary>
    public string ReadText(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public void Dispose() => _statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _database);
        }
    }
}
