using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// Creates target tables: the <c>schema</c> creation property, the column types a field type maps to, and the
/// checks on names and type names that run before anything is created.
/// </summary>
internal static partial class PostgreSqlTableCreation
{
    public const string SchemaProperty = "schema";

    /// <summary>PostgreSQL truncates longer identifiers (NAMEDATALEN 64 minus the terminator), so they are rejected instead.</summary>
    public const int MaxNameBytes = 63;

    public static readonly IReadOnlyList<TargetCreationProperty> Properties =
        [new(SchemaProperty, "Schema", IsEnum: true, Default: PostgreSqlIdentifiers.DefaultSchema)];

    // The schemas, other than the system ones, in which the login may create tables.
    private const string CreatableSchemasQuery = """
        SELECT nspname FROM pg_namespace
        WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\_%' AND has_schema_privilege(oid, 'CREATE')
        ORDER BY nspname
        """;

    // A pseudo-type (typtype 'p', such as void or record) resolves but cannot be a column's type.
    private const string TypeQuery = "SELECT t.typtype FROM pg_type t WHERE t.oid = to_regtype($1)";

    private const string DuplicateTable = "42P07";

    public static Task<IReadOnlyList<string>> ListSchemasAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ReadStringsAsync(connection, CreatableSchemasQuery, cancellationToken);

    public static string ToObjectId(string name, IReadOnlyDictionary<string, string> properties) =>
        PostgreSqlIdentifiers.ToObjectId(properties.GetValueOrDefault(SchemaProperty) ?? PostgreSqlIdentifiers.DefaultSchema, name);

    public static string? CheckName(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "it contains the NUL character (U+0000), which PostgreSQL names cannot contain";
        }

        var bytes = Encoding.UTF8.GetByteCount(name);
        return bytes > MaxNameBytes
            ? $"it is {bytes} bytes long in UTF-8, and PostgreSQL names are at most {MaxNameBytes} bytes"
            : null;
    }

    /// <summary>
    /// Checks a type name first by its form (words, an optional schema, size and array brackets, so it can go into the
    /// CREATE TABLE statement as written) and then by asking the server whether it names a type.
    /// </summary>
    public static async Task<string?> CheckTypeAsync(NpgsqlConnection connection, string typeName, CancellationToken cancellationToken)
    {
        if (!TypeNameForm().IsMatch(typeName))
        {
            return "it is not a PostgreSQL type name such as text, bigint, numeric(12, 2), character varying(40) or text[]";
        }

        var command = new NpgsqlCommand(TypeQuery, connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { Value = typeName, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        object? kind;
        try
        {
            kind = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState.StartsWith("22", StringComparison.Ordinal)
            || exception.SqlState.StartsWith("42", StringComparison.Ordinal))
        {
            // to_regtype raises, instead of returning null, for text it cannot parse as a type name.
            return $"PostgreSQL cannot read it as a type name: {exception.MessageText}";
        }

        return kind switch
        {
            null or DBNull => "PostgreSQL has no type of that name",
            'p' => "it is a pseudo-type, which cannot be the type of a column",
            _ => null,
        };
    }

    /// <summary>Returns the column type for a field type: the override when set, else the documented mapping.</summary>
    public static string ToColumnType(NewTargetColumn column)
    {
        if (column.RemoteType is not null)
        {
            return column.RemoteType;
        }

        var source = column.SourceType?.ToLowerInvariant() ?? "";
        return column.Type switch
        {
            // MySQL's BIGINT UNSIGNED reaches 18446744073709551615, which needs 20 digits and is beyond bigint.
            FieldType.Number when column.HasIntegerSource && source.Contains("bigint", StringComparison.Ordinal)
                && source.Contains("unsigned", StringComparison.Ordinal) => "numeric(20,0)",
            FieldType.Number when column.HasIntegerSource => "bigint",
            FieldType.Number when column.HasFloatSource => "double precision",
            FieldType.Number => "numeric",
            FieldType.Boolean => "boolean",
            FieldType.Datetime when source == "date" => "date",
            FieldType.Datetime when source is "timestamp" or "timestamp without time zone" => "timestamp",
            FieldType.Datetime => "timestamptz",
            FieldType.Object or FieldType.Array => "jsonb",
            FieldType.Binary => "bytea",
            _ => "text",
        };
    }

    public static string ToCreateStatement(string schema, NewTargetObject newObject)
    {
        var columns = newObject.Columns.Select(column =>
        {
            var key = newObject.IsPrimaryKey(column) ? " PRIMARY KEY" : "";
            return $"{PostgreSqlIdentifiers.Quote(column.Name)} {ToColumnType(column)}{key}";
        });
        return $"CREATE TABLE {PostgreSqlIdentifiers.QuoteObject(schema, newObject.Name)} ({string.Join(", ", columns)})";
    }

    public static async Task CreateAsync(
        NpgsqlConnection connection, string schema, NewTargetObject newObject, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(ToCreateStatement(schema, newObject), connection);
        await using var commandScope = command.ConfigureAwait(false);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == DuplicateTable)
        {
            throw new TargetObjectExistsException(PostgreSqlIdentifiers.ToObjectId(schema, newObject.Name), exception);
        }
    }

    public static async Task DropAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"DROP TABLE IF EXISTS {PostgreSqlIdentifiers.QuoteObject(schema, table)}", connection);
        await using var commandScope = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<string>> ReadStringsAsync(
        NpgsqlConnection connection, string query, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(query, connection);
        await using var commandScope = command.ConfigureAwait(false);
        var values = new List<string>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?( [A-Za-z_][A-Za-z0-9_]*)*(\(\s*\d+\s*(,\s*\d+\s*)?\))?( [A-Za-z_][A-Za-z0-9_]*)*(\[\])*$")]
    private static partial Regex TypeNameForm();
}
