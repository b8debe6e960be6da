using Npgsql;
using NpgsqlTypes;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// The temporary table that contains one batch's converted values for <see cref="PostgreSqlStatements"/>, filled with a
/// binary COPY. Values travel as text and the statements cast each one to its column's type, so PostgreSQL's own input
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

        var copy = $"COPY {Name} (ordinal, {string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
        var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            for (var row = 0; row < rows.Count; row++)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(ordinals[row], NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                var values = rows[row];
                for (var column = 0; column < columnCount; column++)
                {
                    await WriteValueAsync(importer, values[column], isBytes[column], cancellationToken).ConfigureAwait(false);
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

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

    private static Task WriteValueAsync(NpgsqlBinaryImporter importer, object? value, bool isBytesColumn, CancellationToken cancellationToken) =>
        value switch
        {
            null => importer.WriteNullAsync(cancellationToken),
            string text => importer.WriteAsync(text, NpgsqlDbType.Text, cancellationToken),
            byte[] bytes when isBytesColumn => importer.WriteAsync(bytes, NpgsqlDbType.Bytea, cancellationToken),
            byte[] bytes => importer.WriteAsync("\\x" + Convert.ToHexStringLower(bytes), NpgsqlDbType.Text, cancellationToken),
            _ => throw new ArgumentException($"a converted value must be null, text or bytes, not {value.GetType().Name}", nameof(value)),
        };
}
