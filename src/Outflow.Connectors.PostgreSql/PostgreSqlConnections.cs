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
}
