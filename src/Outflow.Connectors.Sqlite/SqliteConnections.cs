using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;
using SQLitePCL;

namespace Outflow.Connectors.Sqlite;

internal static class SqliteConnections
{
    /// <summary>
    /// Opens the database file with ATTACH disabled, so no statement can open another file through this connection.
    /// Read-only connections run user queries, so they are not pooled: nothing a query changes in a connection's
    /// state reaches a later user. A statement waits up to the command timeout (30 s by default) for another connection's lock.
    /// </summary>
    /// <exception cref="ConnectorException">The path leads outside the files root, the file does not exist, or SQLite cannot open it.</exception>
    public static async Task<SqliteConnection> OpenAsync(SqliteSettings settings, bool readOnly, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(settings.ToConnectionString(readOnly, pooling: !readOnly));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            raw.sqlite3_limit(connection.Handle, raw.SQLITE_LIMIT_ATTACHED, 0);

            // Microsoft.Data.Sqlite retries a busy statement only in its own commands. The source connector prepares
            // and steps the model query through the raw API to read its columns, where SQLite's busy handler is the
            // only wait. Without it, a query failed with "database is locked" while another process wrote the file.
            raw.sqlite3_busy_timeout(connection.Handle, connection.DefaultTimeout * 1000);
            return connection;
        }
        catch (SqliteException exception)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw SqliteErrors.Wrap(exception, $"opening SQLite database {settings.ConfiguredPath} failed");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
