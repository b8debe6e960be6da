using System.Net.Sockets;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>Turns MySqlConnector failures into <see cref="ConnectorException"/>s whose messages hold no credentials.</summary>
internal static class MySqlErrors
{
    /// <summary>Returns true for the exceptions that report a failure of the server or the network, not a bug.</summary>
    public static bool IsDatabaseFailure(Exception exception) =>
        exception is MySqlException or TimeoutException or SocketException;

    /// <summary>
    /// Wraps <paramref name="exception"/> with <paramref name="action"/> (for example "could not connect to host:3306")
    /// in front of the server's or the network's message.
    /// </summary>
    public static ConnectorException Wrap(Exception exception, string action) =>
        new($"{action}: {Describe(exception)}", IsTransient(exception), exception);

    public static string Describe(Exception exception)
    {
        var networkError = NetworkErrors.Describe(exception);
        if (networkError is not null)
        {
            return networkError;
        }

        if (exception is MySqlException mysql && mysql.ErrorCode != MySqlErrorCode.None)
        {
            return DescribeServerError(mysql.Message, mysql.ErrorCode, mysql.SqlState);
        }

        return exception.Message;
    }

    /// <summary>
    /// Formats a server error as "message [error 1146, SQLSTATE 42S02]". Errors that MySqlConnector raises itself
    /// carry no SQLSTATE, so that part is left out when it is null or empty.
    /// </summary>
    public static string DescribeServerError(string message, MySqlErrorCode errorCode, string? sqlState) =>
        string.IsNullOrWhiteSpace(sqlState)
            ? $"{message} [error {(int)errorCode}]"
            : $"{message} [error {(int)errorCode}, SQLSTATE {sqlState}]";

    private static bool IsTransient(Exception exception) =>
        exception switch
        {
            MySqlException mysql => mysql.IsTransient,
            TimeoutException or SocketException => true,
            _ => false,
        };
}
