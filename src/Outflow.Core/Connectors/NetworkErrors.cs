using System.Net.Sockets;

namespace Outflow.Core.Connectors;

/// <summary>Descriptions of the network failures of database drivers, for <see cref="ConnectorException"/> messages.</summary>
public static class NetworkErrors
{
    /// <summary>
    /// Describes the first <see cref="SocketException"/>, <see cref="TimeoutException"/> or
    /// <see cref="EndOfStreamException"/> among <paramref name="exception"/> and its inner exceptions. Returns null when
    /// there is none of them.
    /// </summary>
    public static string? Describe(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return DescribeSocketError(socket);
                case TimeoutException:
                    return "timed out";
                case EndOfStreamException:
                    // Drivers reach the end of the stream when the server closes the connection without an error message.
                    return "the server closed the connection";
            }
        }

        return null;
    }

    private static string DescribeSocketError(SocketException socket) =>
        socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused; check that the server runs and listens on this host and port",
            SocketError.HostNotFound or SocketError.NoData => "host not found; check the hostname",
            SocketError.TimedOut => "timed out",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
            SocketError.ConnectionReset => "connection reset by the server",
            _ => socket.Message,
        };
}
