using System.Globalization;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

internal static class MySqlConnections
{
    private const string StrictSqlMode =
        "STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

    /// <summary>
    /// Opens a source session. It runs in UTC, so TIMESTAMP values are read as UTC instants whatever the server's zone,
    /// and it turns off NO_BACKSLASH_ESCAPES, so a backslash in a string literal escapes as
    /// <see cref="MySqlStatementText"/> assumes. It sets no idle timeout, because a streaming read legitimately stays
    /// idle while the engine writes batches.
    /// </summary>
    /// <exception cref="ConnectorException">The server is unreachable or rejected the login.</exception>
    public static Task<MySqlConnection> OpenForReadingAsync(
        MySqlSettings settings, string connectionString, CancellationToken cancellationToken) =>
        OpenAsync(
            settings,
            connectionString,
            _ => "SET time_zone = '+00:00', sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))",
            cancellationToken);

    /// <summary>
    /// Opens a target session. It runs in UTC, so TIMESTAMP values are written as UTC instants, and in strict mode, so a
    /// value that does not fit its column fails instead of being truncated with a warning. The server ends the session
    /// once it has been idle inside a transaction for <paramref name="idleTransactionTimeout"/> (whole seconds, at least
    /// 1), which rolls back the batch of a worker that stalled before its commit.
    /// </summary>
    /// <exception cref="ConnectorException">The server is unreachable or rejected the login.</exception>
    public static Task<MySqlConnection> OpenForWritingAsync(
        MySqlSettings settings, string connectionString, TimeSpan idleTransactionTimeout, CancellationToken cancellationToken) =>
        OpenAsync(
            settings,
            connectionString,
            connection => $"SET time_zone = '+00:00', sql_mode = '{StrictSqlMode}', {IdleTimeoutAssignment(connection, idleTransactionTimeout)}",
            cancellationToken);

    /// <summary>
    /// Returns the session variable assignment that bounds idle time inside a transaction. MariaDB 10.3 and later have
    /// <c>idle_transaction_timeout</c>, which counts only idle time inside a transaction, so it cannot end a pooled
    /// session that waits between batches. MySQL has no such variable, so there the session's <c>wait_timeout</c> bounds
    /// all idle time instead. A pooled session that the server ended that way is replaced when it is next opened.
    /// </summary>
    internal static string IdleTimeoutAssignment(MySqlConnection connection, TimeSpan timeout)
    {
        var seconds = Math.Max(1, (long)Math.Floor(timeout.TotalSeconds));
        var variable = HasIdleTransactionTimeout(connection.ServerVersion) ? "idle_transaction_timeout" : "wait_timeout";
        return string.Create(CultureInfo.InvariantCulture, $"{variable} = {seconds}");
    }

    /// <summary>
    /// Returns whether <paramref name="serverVersion"/> (for example <c>10.11.6-MariaDB-0+deb12u1</c>) is MariaDB 10.3
    /// or later.
    /// </summary>
    internal static bool HasIdleTransactionTimeout(string serverVersion)
    {
        if (!serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Old MariaDB servers report "5.5.5-" in front of their own version for clients that expect MySQL 5.
        const string compatibilityPrefix = "5.5.5-";
        var version = serverVersion.StartsWith(compatibilityPrefix, StringComparison.Ordinal)
            ? serverVersion[compatibilityPrefix.Length..]
            : serverVersion;
        var parts = version.Split('.', 3);
        return parts.Length >= 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            && (major, minor).CompareTo((10, 3)) >= 0;
    }

    private static bool IsTimeout(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is OperationCanceledException or TimeoutException
                || current is MySqlException { ErrorCode: MySqlErrorCode.CommandTimeoutExpired })
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<MySqlConnection> OpenAsync(
        MySqlSettings settings, string connectionString, Func<MySqlConnection, string> setup, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new MySqlCommand(setup(connection), connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return connection;
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception) && connection.State != System.Data.ConnectionState.Open
            && !cancellationToken.IsCancellationRequested && IsTimeout(exception))
        {
            // MySqlConnector 3.0 reports a server that accepts the connection but never sends MySQL's greeting, such as an
            // HTTP or PostgreSQL server, as a command timeout over a socket error "Operation canceled".
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ConnectorException(
                $"could not connect to {settings.Hostname}:{settings.Port}: the server did not answer as MySQL or MariaDB within " +
                $"{connection.ConnectionTimeout} seconds; check that the host and port are those of a MySQL or MariaDB server " +
                "(port 3306 by default) and that it is not overloaded.",
                isTransient: true,
                exception);
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
