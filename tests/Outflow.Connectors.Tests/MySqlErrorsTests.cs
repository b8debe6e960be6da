using MySqlConnector;
using Outflow.Connectors.MySql;

namespace Outflow.Connectors.Tests;

public sealed class MySqlErrorsTests
{
    [Fact]
    public void ServerErrorShowsSqlState()
    {
        var text = MySqlErrors.DescribeServerError("Table 'x.t' doesn't exist", MySqlErrorCode.NoSuchTable, "42S02");

        Assert.Equal("Table 'x.t' doesn't exist [error 1146, SQLSTATE 42S02]", text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void ServerErrorOmitsMissingSqlState(string? sqlState)
    {
        var text = MySqlErrors.DescribeServerError("Unable to connect", MySqlErrorCode.UnableToConnectToHost, sqlState);

        Assert.Equal("Unable to connect [error 1042]", text);
        Assert.DoesNotContain("SQLSTATE", text, StringComparison.Ordinal);
    }
}
