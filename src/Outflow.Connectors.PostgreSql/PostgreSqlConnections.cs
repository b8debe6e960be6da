using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

internal static class PostgreSqlConnections
{
    /// <summary>Opens a connection, reporting failures as "could not connect to host:port: reason".</summary>
    /// <exception cref="ConnectorException">The server is unreachable or rejected the login.</exception>
    public static async Task<NpgsqlConnection> OpenAsync(PostgreSqlSettings settings, string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw PostgreSqlErrors.Wrap(exception, $"could not connect to {settings.Hostname}:{settings.Port}");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Closes the pool's idle connections for <paramref name="connectionString"/> when <paramref name="exception"/>
    /// shows that the server ended a session: a restart or an administrator usually ended the idle ones too, and each
    /// would fail its next command. Returns whether it closed them.
    /// </summary>
    public static bool DiscardIdleIfEnded(string connectionString, Exception exception)
    {
        if (!PostgreSqlErrors.EndedSession(exception))
        {
            return false;
        }

        using var pooled = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(pooled);
        return true;
    }
}
