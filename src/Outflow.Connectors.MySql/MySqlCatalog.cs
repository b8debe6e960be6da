using MySqlConnector;

namespace Outflow.Connectors.MySql;

/// <summary>Reads target tables and their columns from information_schema.</summary>
internal static class MySqlCatalog
{
    // Base tables outside the system databases. Generated columns cannot be written, so they are left out.
    private const string ColumnsQuery = """
        SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE = 'YES',
               c.COLUMN_DEFAULT IS NOT NULL, c.EXTRA, c.COLLATION_NAME
        FROM information_schema.COLUMNS c
        JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
        WHERE t.TABLE_TYPE = 'BASE TABLE'
          AND c.TABLE_SCHEMA NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')
          AND c.EXTRA NOT LIKE '%GENERATED%'
          AND (@database IS NULL OR (c.TABLE_SCHEMA = @database AND c.TABLE_NAME = @table))
        ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION
        """;

    // Unique indexes (the primary key among them) with their key columns. A prefix key (SUB_PART) compares only the
    // start of the value, so it cannot identify records.
    private const string UniqueKeysQuery = """
        SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME, SUB_PART IS NOT NULL
        FROM information_schema.STATISTICS
        WHERE NON_UNIQUE = 0
          AND TABLE_SCHEMA NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')
          AND (@database IS NULL OR (TABLE_SCHEMA = @database AND TABLE_NAME = @table))
        """;

    /// <summary>Lists every base table the login can see, or only the one named by <paramref name="database"/> and <paramref name="table"/>.</summary>
    public static async Task<IReadOnlyList<MySqlTable>> ReadTablesAsync(
        MySqlConnection connection, string? database, string? table, CancellationToken cancellationToken)
    {
        var identityColumns = new HashSet<(string, string, string)>();
        var keys = new List<(string Database, string Table, string Index, string Column, bool IsPrefix)>();
        var command = new MySqlCommand(UniqueKeysQuery, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("@database", database);
            command.Parameters.AddWithValue("@table", table);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    keys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4)));
                }
            }

            foreach (var index in keys.GroupBy(k => (k.Database, k.Table, k.Index)).Where(g => g.Count() == 1 && !g.Single().IsPrefix))
            {
                var key = index.Single();
                identityColumns.Add((key.Database, key.Table, key.Column));
            }

            command.CommandText = ColumnsQuery;
            var tables = new List<MySqlTable>();
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var columns = new List<MySqlColumn>();
                (string Database, string Table)? current = null;
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var name = (reader.GetString(0), reader.GetString(1));
                    if (current is not null && current != name)
                    {
                        tables.Add(new MySqlTable(current.Value.Database, current.Value.Table, columns));
                        columns = [];
                    }

                    current = name;
                    var column = reader.GetString(2);
                    var isAutoIncrement = reader.GetString(7).Contains("auto_increment", StringComparison.OrdinalIgnoreCase);
                    columns.Add(new MySqlColumn(
                        column,
                        reader.GetString(3).ToLowerInvariant(),
                        reader.GetString(4).ToLowerInvariant(),
                        Required: !reader.GetBoolean(5) && !reader.GetBoolean(6) && !isAutoIncrement,
                        SupportsIdentity: identityColumns.Contains((name.Item1, name.Item2, column)),
                        Collation: reader.IsDBNull(8) ? null : reader.GetString(8)));
                }

                if (current is not null)
                {
                    tables.Add(new MySqlTable(current.Value.Database, current.Value.Table, columns));
                }
            }

            return tables;
        }
    }
}
