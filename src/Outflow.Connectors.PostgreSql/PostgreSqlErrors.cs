using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>Turns Npgsql failures into <see cref="ConnectorException"/>s whose messages hold no credentials or parameter values.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>SQLSTATE idle_in_transaction_session_timeout, which Npgsql's <see cref="PostgresErrorCodes"/> lacks.</summary>
    private const string IdleInTransactionSessionTimeout = "25P03";

    /// <summary>
    /// Returns true when the server ended the session or the connection to it broke, for example in a restart or with
    /// <c>pg_terminate_backend</c>. The session's open transaction was rolled back, unless it ended during the commit,
    /// which may then have taken effect.
    /// </summary>
    public static bool EndedSession(Exception exception) =>
        exception switch
        {
            PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown } => true,
            PostgresException => false,
            NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } => true,
            _ => false,
        };

    /// <summary>Returns true for the exceptions that report a failure of the server or the network, not a bug.</summary>
    public static bool IsDatabaseFailure(Exception exception) =>
        exception is NpgsqlException or TimeoutException;

    /// <summary>
    /// Wraps <paramref name="exception"/> with <paramref name="action"/> (for example "could not connect to host:5432")
    /// in front of the server's or the network's message.
    /// </summary>
    public static ConnectorException Wrap(Exception exception, string action) =>
        new($"{action}: {Describe(exception)}", IsTransient(exception), exception);

    public static string Describe(Exception exception)
    {
        if (exception is PostgresException postgres)
        {
            // The detail field can quote row values, so only the primary message and the SQLSTATE are kept.
            var column = string.IsNullOrEmpty(postgres.ColumnName) ? "" : $" (column {postgres.ColumnName})";
            return $"{postgres.MessageText}{column} [SQLSTATE {postgres.SqlState}]";
        }

        return NetworkErrors.Describe(exception) ?? exception.Message;
    }

    /// <summary>Returns true for the failures that may not recur when the same work runs again on a new session.</summary>
    public static bool IsTransient(Exception exception) =>
        exception switch
        {
            // The server ended a session that stayed idle inside its transaction, for example because the worker was
            // paused before it sent the commit. Nothing was committed, so the batch may run again while the lease holds.
            PostgresException { SqlState: IdleInTransactionSessionTimeout } => true,
            _ when EndedSession(exception) => true,
            NpgsqlException npgsql => npgsql.IsTransient,
            TimeoutException => true,
            _ => false,
        };
}
