using Microsoft.Data.Sqlite;

namespace Outflow.Connectors.Sqlite;

/// <summary>Reads target tables and their columns from the schema table and the table pragmas.</summary>
internal static class SqliteCatalog
{
    private const string TablesQuery = """
        SELECT name FROM sqlite_schema
        WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND ($name IS NULL OR name = $name)
        ORDER BY name
        """;

    // Hidden columns (of virtual tables) and generated columns cannot be written, so they are left out.
    private const string ColumnsQuery = """
        SELECT name, type, "notnull", dflt_value IS NOT NULL, pk
        FROM pragma_table_xinfo($table)
        WHERE hidden = 0
        ORDER BY cid
        """;

    // A column can identify records when it is the only column of a unique index without a WHERE clause.
    private const string UniqueColumnsQuery = """
        SELECT min(info.name)
        FROM pragma_index_list($table) AS list, pragma_index_info(list.name) AS info
        WHERE list."unique" = 1 AND list.partial = 0
        GROUP BY list.name
        HAVING count(*) = 1
        """;

    /// <summary>Lists all tables but SQLite's own, or only <paramref name="only"/> when given.</summary>
    public static async Task<IReadOnlyList<SqliteTable>> ReadTablesAsync(SqliteConnection connection, string? only, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var tablesCommand = connection.CreateCommand();
        await using (tablesCommand.ConfigureAwait(false))
        {
            tablesCommand.CommandText = TablesQuery;
            tablesCommand.Parameters.AddWithValue("$name", (object?)only ?? DBNull.Value);
            var reader = await tablesCommand.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }
            }
        }

        var tables = new List<SqliteTable>(names.Count);
        foreach (var name in names)
        {
            tables.Add(await ReadTableAsync(connection, name, cancellationToken).ConfigureAwait(false));
        }

        return tables;
    }

    private static async Task<SqliteTable> ReadTableAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        var uniqueColumns = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<(string Name, string Type, bool NotNull, bool HasDefault, int PrimaryKey)>();
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$table", table);
            command.CommandText = UniqueColumnsQuery;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Expression indexes have no column name.
                    if (!reader.IsDBNull(0))
                    {
                        uniqueColumns.Add(reader.GetString(0));
                    }
                }
            }

            command.CommandText = ColumnsQuery;
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetInt32(4)));
                }
            }
        }

        var primaryKeyColumns = rows.Count(r => r.PrimaryKey > 0);
        var columns = rows.Select(row =>
        {
            var singlePrimaryKey = row.PrimaryKey > 0 && primaryKeyColumns == 1;

            // An INTEGER PRIMARY KEY column is the rowid, which SQLite fills in when it is not given.
            var isRowId = singlePrimaryKey && string.Equals(row.Type, "INTEGER", StringComparison.OrdinalIgnoreCase);
            return new SqliteColumn(
                row.Name,
                row.Type,
                SqliteTypes.ToAffinity(row.Type),
                SqliteTypes.ToFieldType(row.Type),
                Required: row.NotNull && !row.HasDefault && !isRowId,
                SupportsIdentity: singlePrimaryKey || uniqueColumns.Contains(row.Name));
        }).ToList();
        return new SqliteTable(table, columns);
    }
}
