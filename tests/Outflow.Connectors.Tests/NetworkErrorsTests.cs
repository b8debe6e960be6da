using System.Net.Sockets;
using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

public sealed class NetworkErrorsTests
{
    [Fact]
    public void Closed_connection_described()
    {
        var exception = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());

        Assert.Equal("the server closed the connection", NetworkErrors.Describe(exception));
    }

    [Fact]
    public void Reset_connection_described()
    {
        var exception = new NpgsqlException(
            "Exception while reading from stream", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));

        Assert.Equal("connection reset by the server", NetworkErrors.Describe(exception));
    }

    [Fact]
    public void Other_failure_not_described()
    {
        Assert.Null(NetworkErrors.Describe(new NpgsqlException("Exception while reading from stream", new InvalidOperationException())));
    }
}
