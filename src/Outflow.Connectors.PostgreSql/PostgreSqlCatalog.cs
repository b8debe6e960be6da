using Npgsql;

namespace Outflow.Connectors.PostgreSql;

/// <summary>Reads target tables and their columns from the system catalogs.</summary>
internal static class PostgreSqlCatalog
{
    // Generated columns are left out because they cannot be written. The cast type is formatted with typmod -1, which
    // names bpchar and "bit" instead of character and bit, since those two mean a length of 1. A column can identify records when it
    // is the only key column of a unique index (which includes primary keys) without a predicate or an expression,
    // because only such an index can serve as an ON CONFLICT target. A domain's column has no modifier of its own, so the
    // domain's modifier is read instead. A nondeterministic collation, of the column or of that index, is returned by
    // name, because it can make values of different text equal in ways the engine cannot reproduce. Whether the
    // table has rules or BEFORE INSERT row triggers (tgtype bits ROW 1, BEFORE 2, INSERT 4) and which columns are
    // GENERATED ALWAYS identities is read too, because a COPY would treat those differently from the statements.
    private const string ColumnsQuery = """
        SELECT n.nspname, c.relname, a.attname,
               format_type(a.atttypid, a.atttypmod),
               format_type(a.atttypid, -1),
               coalesce(bt.typname, t.typname),
               coalesce(bt.typtype, t.typtype) = 'e',
               coalesce(bt.typcategory, t.typcategory) = 'A',
               a.attnotnull AND NOT a.atthasdef AND a.attidentity = '',
               EXISTS (
                   SELECT 1 FROM pg_index i
                   WHERE i.indrelid = c.oid AND i.indisunique AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum
                     AND i.indpred IS NULL AND i.indexprs IS NULL),
               CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
               coalesce(
                   (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation AND NOT co.collisdeterministic),
                   (SELECT co.collname FROM pg_index i JOIN pg_collation co ON co.oid = i.indcollation[0]
                    WHERE i.indrelid = c.oid AND i.indisunique AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum
                      AND i.indpred IS NULL AND i.indexprs IS NULL AND NOT co.collisdeterministic
                    ORDER BY co.collname LIMIT 1)),
               c.relhasrules OR EXISTS (
                   SELECT 1 FROM pg_trigger tg
                   WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal AND tg.tgtype & 7 = 7),
               a.attidentity = 'a'
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
          AND ($1::text IS NULL OR (n.nspname = $1 AND c.relname = $2))
        ORDER BY n.nspname, c.relname, a.attnum
        """;

    /// <summary>Lists the tables of all non-system schemas, or only <paramref name="only"/> when given.</summary>
    public static async Task<IReadOnlyList<PostgreSqlTable>> ReadTablesAsync(
        NpgsqlConnection connection,
        (string Schema, string Table)? only,
        CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(ColumnsQuery, connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)only?.Schema ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)only?.Table ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });

        var tables = new List<PostgreSqlTable>();
        List<PostgreSqlColumn>? columns = null;
        string? currentSchema = null;
        string? currentTable = null;
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var schema = reader.GetString(0);
            var table = reader.GetString(1);
            if (columns is null || schema != currentSchema || table != currentTable)
            {
                columns = [];
                currentSchema = schema;
                currentTable = table;
                tables.Add(new PostgreSqlTable(schema, table, columns) { RewritesInserts = reader.GetBoolean(12) });
            }

            columns.Add(new PostgreSqlColumn(
                Name: reader.GetString(2),
                RemoteType: reader.GetString(3),
                CastType: reader.GetString(4),
                Type: PostgreSqlTypes.ToFieldType(reader.GetString(5), reader.GetBoolean(6), reader.GetBoolean(7)),
                Required: reader.GetBoolean(8),
                HasUniqueIndex: reader.GetBoolean(9),
                BaseType: reader.GetString(5),
                TypeModifier: reader.GetInt32(10),
                NondeterministicCollation: reader.IsDBNull(11) ? null : reader.GetString(11))
            {
                IsAlwaysIdentity = reader.GetBoolean(13),
            });
        }

        return tables;
    }
}
