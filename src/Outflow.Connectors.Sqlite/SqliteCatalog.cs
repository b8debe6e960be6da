using Microsoft.Data.Sqlite;
using SQLitePCL;

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

    // A column can identify records when it is the only key column of a unique index without a WHERE clause (primary
    // keys other than INTEGER PRIMARY KEY have such an index too). The index's own collation decides which values
    // collide, and it can differ from the column's.
    private const string UniqueIndexesQuery = """
        SELECT list.name, list.origin = 'pk', info.name, info.coll
        FROM pragma_index_list($table) AS list, pragma_index_xinfo(list.name) AS info
        WHERE list."unique" = 1 AND list.partial = 0 AND info.key = 1
        ORDER BY list.name, info.seqno
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

    /// <summary>Reads the column's declared collation (BINARY when it has none), which <c>=</c> uses when it compares the column.</summary>
    private static string ReadCollation(SqliteConnection connection, string table, string column)
    {
        var result = raw.sqlite3_table_column_metadata(
            connection.Handle, "main", table, column, out _, out var collation, out _, out _, out _);
        if (result != raw.SQLITE_OK)
        {
            var message = raw.sqlite3_errmsg(connection.Handle).utf8_to_string();
            throw new SqliteException($"reading the collation of column {column} failed: {message}", result);
        }

        return string.IsNullOrEmpty(collation) ? SqliteColumn.BinaryCollation : collation.ToUpperInvariant();
    }

    /// <summary>
    /// Picks the collation of the unique index that makes a column an identity: the primary key's, else that of an index
    /// with the column's own collation, else the first index's by name. Returns null when no unique index has the column
    /// as its only key.
    /// </summary>
    /// <remarks>
    /// NOTE: when several unique indexes on one column have different collations, inserts collide under each of them, but
    /// records are matched and reported under the picked one only.
    /// </remarks>
    private static string? PickIdentityCollation(List<UniqueIndexKey> keys, string column, string columnCollation)
    {
        var candidates = keys.Where(k => string.Equals(k.Column, column, StringComparison.Ordinal)).ToList();
        var picked = candidates.FirstOrDefault(k => k.IsPrimaryKey)
            ?? candidates.FirstOrDefault(k => string.Equals(k.Collation, columnCollation, StringComparison.Ordinal))
            ?? candidates.FirstOrDefault();
        return picked?.Collation;
    }

    private static async Task<SqliteTable> ReadTableAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        var indexKeys = new List<(string Index, bool IsPrimaryKey, string? Column, string Collation)>();
        var rows = new List<(string Name, string Type, bool NotNull, bool HasDefault, int PrimaryKey)>();
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("$table", table);
            command.CommandText = UniqueIndexesQuery;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // An expression key has no column name.
                    indexKeys.Add((
                        reader.GetString(0),
                        reader.GetBoolean(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? SqliteColumn.BinaryCollation : reader.GetString(3).ToUpperInvariant()));
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

        var singleKeys = indexKeys
            .GroupBy(k => k.Index, StringComparer.Ordinal)
            .Where(g => g.Count() == 1 && g.Single().Column is not null)
            .Select(g => g.Single())
            .Select(k => new UniqueIndexKey(k.Column!, k.Collation, k.IsPrimaryKey))
            .ToList();
        var primaryKeyColumns = rows.Count(r => r.PrimaryKey > 0);
        var columns = rows.Select(row =>
        {
            var singlePrimaryKey = row.PrimaryKey > 0 && primaryKeyColumns == 1;

            // An INTEGER PRIMARY KEY column is the rowid, which SQLite fills in when it is not given.
            var isRowId = singlePrimaryKey && string.Equals(row.Type, "INTEGER", StringComparison.OrdinalIgnoreCase);
            var collation = ReadCollation(connection, table, row.Name);
            var identityCollation = PickIdentityCollation(singleKeys, row.Name, collation);
            return new SqliteColumn(
                row.Name,
                row.Type,
                SqliteTypes.ToAffinity(row.Type),
                SqliteTypes.ToFieldType(row.Type),
                Required: row.NotNull && !row.HasDefault && !isRowId,
                SupportsIdentity: singlePrimaryKey || identityCollation is not null,
                Collation: collation,
                IdentityCollation: identityCollation ?? collation);
        }).ToList();
        return new SqliteTable(table, columns);
    }

    /// <summary>The only key column of a unique index, with the index's collation for it.</summary>
    private sealed record UniqueIndexKey(string Column, string Collation, bool IsPrimaryKey);
}
