namespace Outflow.Connectors.Sqlite;

/// <summary>Scans SQL text the way SQLite's tokenizer treats whitespace, comments and statement separators.</summary>
internal static class SqliteStatementText
{
    /// <summary>
    /// Returns true when <paramref name="sql"/> holds no statement: only SQLite whitespace, semicolons,
    /// <c>--</c> line comments and <c>/* */</c> block comments (SQLite ends an unterminated one at the end of the text).
    /// </summary>
    public static bool IsEmpty(string? sql)
    {
        if (sql is null)
        {
            return true;
        }

        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (c is ' ' or '\t' or '\n' or '\f' or '\r' or ';')
            {
                i++;
            }
            else if (c == '-' && next == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && next == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
