using Outflow.Connectors.Sqlite;

namespace Outflow.Connectors.Tests;

public sealed class SqliteStatementTextTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\r\n\f")]
    [InlineData(";;  ;")]
    [InlineData("; -- a comment; ATTACH DATABASE 'x' AS s")]
    [InlineData("-- a comment without a line break")]
    [InlineData("/* ATTACH DATABASE 'x' AS s; */ ;")]
    [InlineData("/* unterminated; ATTACH DATABASE 'x' AS s")]
    public void IsEmpty_separators_and_comments_only_is_true(string? sql)
    {
        Assert.True(SqliteStatementText.IsEmpty(sql));
    }

    [Theory]
    [InlineData("; ATTACH DATABASE 'x' AS s")]
    [InlineData("-- comment\nSELECT 1")]
    [InlineData("/* comment */ SELECT 1")]
    [InlineData("- 1")]
    [InlineData("/ 1")]
    [InlineData("\u00a0")]
    public void IsEmpty_any_other_text_is_false(string sql)
    {
        Assert.False(SqliteStatementText.IsEmpty(sql));
    }
}
