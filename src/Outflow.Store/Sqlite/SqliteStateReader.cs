using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Outflow.Core.Executions;
using SQLitePCL;

namespace Outflow.Store.Sqlite;

/// <summary>
/// A sync's state entries in identity hash order, read through SQLite's own API. Microsoft.Data.Sqlite checks each
/// value's type and copies each hash into an array of its own, and an unchanged execution's comparison spent most of
/// its time waiting for that read. The statement keeps one read snapshot until it is disposed.
/// </summary>
internal sealed class SqliteStateReader : IDisposable
{
    private const string EntriesSql =
        "SELECT identity_hash, row_hash, identity FROM sync_state WHERE sync_id = ?1 ORDER BY identity_hash";

    private const string HashesSql = "SELECT identity_hash, row_hash FROM sync_state WHERE sync_id = ?1 ORDER BY identity_hash";

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    /// <param name="connection">An open store connection.</param>
    /// <param name="syncId">The sync whose state is read.</param>
    /// <param name="withIdentities">Whether <see cref="Identity"/> is read too.</param>
    public SqliteStateReader(SqliteConnection connection, string syncId, bool withIdentities)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("the store connection is not open");
        Check(raw.sqlite3_prepare_v2(_database, withIdentities ? EntriesSql : HashesSql, out _statement));
        try
        {
            Check(raw.sqlite3_bind_text(_statement, 1, syncId));
        }
        catch
        {
            _statement.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next entry and returns its hashes, or returns false after the last entry.</summary>
    /// <exception cref="InvalidDataException">A stored hash does not have 16 bytes.</exception>
    /// <exception cref="SqliteException">SQLite failed to read the table.</exception>
    public bool Read(out StateHashes hashes)
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_DONE)
        {
            hashes = default;
            return false;
        }

        if (result != raw.SQLITE_ROW)
        {
            Check(result);
        }

        hashes = new StateHashes(ReadHash(0), ReadHash(1));
        return true;
    }

    /// <summary>The identity of the entry that <see cref="Read"/> moved to, when the reader was made with identities.</summary>
    public string Identity => raw.sqlite3_column_text(_statement, 2).utf8_to_string();

    public void Dispose() => _statement.Dispose();

    private UInt128 ReadHash(int column)
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

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _database);
        }
    }
}
