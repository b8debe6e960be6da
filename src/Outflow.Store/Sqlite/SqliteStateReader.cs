using Microsoft.Data.Sqlite;
using Outflow.Core.Executions;

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

    private readonly SqliteStatement _statement;

    /// <param name="connection">An open store connection.</param>
    /// <param name="syncId">The sync whose state is read.</param>
    /// <param name="withIdentities">Whether <see cref="Identity"/> is read too.</param>
    public SqliteStateReader(SqliteConnection connection, string syncId, bool withIdentities)
    {
        _statement = SqliteStatement.ForSync(connection, withIdentities ? EntriesSql : HashesSql, syncId);
    }

    /// <summary>Moves to the next entry and returns its hashes, or returns false after the last entry.</summary>
    /// <exception cref="InvalidDataException">A stored hash does not have 16 bytes.</exception>
    /// <exception cref="SqliteException">SQLite failed to read the table.</exception>
    public bool Read(out StateHashes hashes)
    {
        if (!_statement.Step())
        {
            hashes = default;
            return false;
        }

        hashes = new StateHashes(_statement.ReadHash(0), _statement.ReadHash(1));
        return true;
    }

    /// <summary>The identity of the entry that <see cref="Read"/> moved to, when the reader was made with identities.</summary>
    public string Identity => _statement.ReadText(2);

    public void Dispose() => _statement.Dispose();
}
