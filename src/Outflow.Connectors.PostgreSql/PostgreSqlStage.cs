using Npgsql;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// The temporary table that contains one batch's converted values for <see cref="PostgreSqlStatements"/>, filled with a
/// COPY in text format. Values travel as text and the statements cast each one to its column's type, so PostgreSQL's own input
/// rules decide what a column accepts: "1.5" fails for an integer column and "abc" fails for a json column.
/// <see cref="PostgreSqlValues"/> first rejects what those rules would change silently.
/// </summary>
internal static class PostgreSqlStage
{
    /// <summary>The table's name, in the session's temporary schema so that no table of the database can hide it.</summary>
    public const string Name = "pg_temp.outflow_stage";

    /// <summary>
    /// Creates the table in the connection's open transaction, which drops it when it ends, and copies
    /// <paramref name="rows"/> into it. Row n gets ordinal <c>ordinals[n]</c> and its values go to columns v0 to
    /// v<c>columnCount - 1</c>. A column whose values are all bytes is bytea. Any other column is text, and bytes in it
    /// take bytea's hexadecimal input form, which a cast to bytea reads back as the same bytes.
    /// </summary>
    /// <exception cref="NpgsqlException">Creating or filling the table failed.</exception>
    public static async Task FillAsync(
        NpgsqlConnection connection,
        IReadOnlyList<int> ordinals,
        IReadOnlyList<object?[]> rows,
        int columnCount,
        CancellationToken cancellationToken)
    {
        var isBytes = FindBytesColumns(rows, columnCount);
        var columns = Enumerable.Range(0, columnCount).Select(i => $"v{i}").ToList();
        var definitions = string.Join(", ", columns.Select((name, i) => $"{name} {(isBytes[i] ? "bytea" : "text")}"));
        var create = new NpgsqlCommand($"CREATE TEMPORARY TABLE {Name} (ordinal integer NOT NULL, {definitions}) ON COMMIT DROP", connection);
        await using (create.ConfigureAwait(false))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var copy = $"COPY {Name} (ordinal, {string.Join(", ", columns)}) FROM STDIN";
        await PostgreSqlCopyText.CopyAsync(connection, copy, rows, 0, ordinals, cancellationToken).ConfigureAwait(false);

        // Without statistics the planner estimates one staged row per statement and joins the rows a statement
        // returns to the staged rows in a nested loop, which takes time quadratic in the batch size.
        var analyze = new NpgsqlCommand($"ANALYZE {Name}", connection);
        await using (analyze.ConfigureAwait(false))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool[] FindBytesColumns(IReadOnlyList<object?[]> rows, int columnCount)
    {
        var hasBytes = new bool[columnCount];
        var hasText = new bool[columnCount];
        foreach (var values in rows)
        {
            for (var column = 0; column < columnCount; column++)
            {
                hasBytes[column] |= values[column] is byte[];
                hasText[column] |= values[column] is string;
            }
        }

        return hasBytes.Select((bytes, column) => bytes && !hasText[column]).ToArray();
    }
}
