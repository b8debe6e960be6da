using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

internal static class MySqlConnections
{
    /// <summary>
    /// Opens a connection whose session runs in UTC, so TIMESTAMP values are read and written as UTC instants whatever
    /// the server's zone. A target session also runs in strict mode, so a value that does not fit its column fails
    /// instead of being truncated with a warning. A source session turns off NO_BACKSLASH_ESCAPES, so a backslash in a
    /// string literal escapes as <see cref="MySqlStatementText"/> assumes.
    /// </summary>
    /// <exception cref="ConnectorException">The server is unreachable or rejected the login.</exception>
    public static async Task<MySqlConnection> OpenAsync(
        MySqlSettings settings, string connectionString, bool forWriting, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var setup = forWriting
                ? "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"
                : "SET time_zone = '+00:00', sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";
            var command = new MySqlCommand(setup, connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw MySqlErrors.Wrap(exception, $"could not connect to {settings.Hostname}:{settings.Port}");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
