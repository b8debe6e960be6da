namespace Outflow.Connectors.MySql;

/// <summary>Scans SQL text the way the MySQL and MariaDB lexers treat quotes, comments and statement separators.</summary>
internal static class MySqlStatementText
{
    /// <summary>
    /// Returns the position of the first semicolon outside string literals, quoted identifiers and comments, or -1 when
    /// there is none. The body of an executable comment (<c>/*! … */</c>, <c>/*M! … */</c>) is scanned as code because the
    /// server runs it.
    /// </summary>
    /// <remarks>
    /// NOTE: under the ANSI_QUOTES SQL mode a backslash does not escape inside a double-quoted identifier, which this scan
    /// assumes it does, so a crafted identifier could hide a semicolon. The read-only transaction still rejects writes
    /// that come before a COMMIT.
    /// </remarks>
    public static int FindStatementSeparator(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            switch (c)
            {
                case ';':
                    return i;
                case '\'' or '"' or '`':
                    i = SkipQuoted(sql, i, c);
                    break;
                case '#':
                    i = SkipLine(sql, i);
                    break;
                case '-' when next == '-' && (i + 2 >= sql.Length || char.IsWhiteSpace(sql[i + 2]) || char.IsControl(sql[i + 2])):
                    i = SkipLine(sql, i);
                    break;
                case '/' when next == '*':
                    var executable = i + 2 < sql.Length && (sql[i + 2] == '!' || (sql[i + 2] == 'M' && i + 3 < sql.Length && sql[i + 3] == '!'));
                    if (executable)
                    {
                        i += 3;
                        break;
                    }

                    var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? sql.Length : end + 2;
                    break;
                default:
                    i++;
                    break;
            }
        }

        return -1;
    }

    private static int SkipLine(string sql, int start)
    {
        var end = sql.IndexOf('\n', start);
        return end < 0 ? sql.Length : end + 1;
    }

    /// <summary>Skips a quoted string or identifier; strings take backslash escapes and a doubled quote, identifiers a doubled backtick.</summary>
    private static int SkipQuoted(string sql, int start, char quote)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == '\\' && quote != '`')
            {
                i += 2;
            }
            else if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }
}
