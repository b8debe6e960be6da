using System.Globalization;
using System.Text.RegularExpressions;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>
/// Creates target tables: the <c>database</c> creation property, the column types a field type maps to, and the
/// checks on names and type names that run before anything is created.
/// </summary>
internal static partial class MySqlTableCreation
{
    public const string DatabaseProperty = "database";

    /// <summary>MySQL and MariaDB limit database, table and column names to 64 characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>
    /// The default is the connection's database, which <see cref="MySqlTargetConnector.GetCreationDefault"/> returns,
    /// so the property has no fixed default.
    /// </summary>
    public static readonly IReadOnlyList<TargetCreationProperty> Properties =
        [new(DatabaseProperty, "Database", IsEnum: true)];

    // The databases, other than the system ones, in which the login has the CREATE privilege, either on every
    // database or by a database-level grant. A database-level grant names a LIKE pattern (app\_%), so it is matched
    // with LIKE. The grantee column has the form 'user'@'host', which CURRENT_USER() returns without quotes.
    // NOTE: privileges that the login holds only through a role are not counted.
    private const string CreatableDatabasesQuery = """
        SELECT s.SCHEMA_NAME FROM information_schema.SCHEMATA s
        WHERE s.SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')
          AND (EXISTS (SELECT 1 FROM information_schema.USER_PRIVILEGES u
                       WHERE u.GRANTEE = @grantee AND u.PRIVILEGE_TYPE = 'CREATE')
            OR EXISTS (SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES p
                       WHERE p.GRANTEE = @grantee AND p.PRIVILEGE_TYPE = 'CREATE' AND s.SCHEMA_NAME LIKE p.TABLE_SCHEMA))
        ORDER BY s.SCHEMA_NAME
        """;

    private const string CurrentUserQuery = "SELECT CURRENT_USER()";

    // A temporary table lives only in this session and is dropped with it, so creating one tests a type name without
    // leaving anything behind.
    private const string TypeCheckTable = "outflow_type_check";

    /// <summary>
    /// Text columns of a primary key are VARCHAR because MySQL cannot index a TEXT or BLOB column over its whole value.
    /// 255 characters of utf8mb4 (1,020 bytes) fit InnoDB's key limit of 3,072 bytes in the default DYNAMIC row format.
    /// </summary>
    private const string KeyText = "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";

    private const string KeyBinary = "VARBINARY(255)";

    /// <summary>MariaDB's ER_UNKNOWN_DATA_TYPE, which MySqlConnector's error code enum does not name.</summary>
    private const int UnknownDataType = 4161;

    public static async Task<IReadOnlyList<string>> ListDatabasesAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(CurrentUserQuery, connection);
        await using var commandScope = command.ConfigureAwait(false);
        var currentUser = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        var at = currentUser.LastIndexOf('@');
        var grantee = $"'{currentUser[..at]}'@'{currentUser[(at + 1)..]}'";

        command.CommandText = CreatableDatabasesQuery;
        command.Parameters.AddWithValue("@grantee", grantee);
        var databases = new List<string>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            databases.Add(reader.GetString(0));
        }

        return databases;
    }

    public static string ToObjectId(string name, IReadOnlyDictionary<string, string> properties, string defaultDatabase) =>
        MySqlIdentifiers.ToObjectId(properties.GetValueOrDefault(DatabaseProperty) ?? defaultDatabase, name);

    /// <summary>Checks a table or column name against the identifier rules of MySQL 8 and MariaDB 10.11.</summary>
    public static string? CheckName(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "it contains the NUL character (U+0000), which MySQL names cannot contain";
        }

        if (name.EnumerateRunes().Any(rune => !rune.IsBmp))
        {
            return "it contains a character outside the Basic Multilingual Plane (such as an emoji), which MySQL names cannot contain";
        }

        if (name.Length > MaxNameLength)
        {
            return $"it is {name.Length} characters long, and MySQL names are at most {MaxNameLength} characters";
        }

        return name.EndsWith(' ') ? "it ends with a space, which MySQL names cannot" : null;
    }

    /// <summary>
    /// Checks a type name by its form first: words with an optional size, which can go into the CREATE TABLE
    /// statement as written. Then the server decides, through a temporary table with a column of that type.
    /// </summary>
    public static async Task<string?> CheckTypeAsync(MySqlConnection connection, string typeName, CancellationToken cancellationToken)
    {
        if (!TypeNameForm().IsMatch(typeName))
        {
            return "it is not a MySQL type name such as BIGINT, DECIMAL(12,2), VARCHAR(40) or VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        }

        var command = new MySqlCommand($"CREATE TEMPORARY TABLE {TypeCheckTable} (value {typeName})", connection);
        await using var commandScope = command.ConfigureAwait(false);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException exception) when (IsTypeError(exception))
        {
            return $"MySQL rejects it as a column type: {exception.Message}";
        }

        command.CommandText = $"DROP TEMPORARY TABLE {TypeCheckTable}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Returns the column type for a field type: the override when set, else the documented mapping.</summary>
    public static string ToColumnType(NewTargetColumn column, bool isKey)
    {
        if (column.RemoteType is not null)
        {
            return column.RemoteType;
        }

        var source = column.SourceType?.ToLowerInvariant() ?? "";
        return column.Type switch
        {
            FieldType.Number when column.HasIntegerSource && source.Contains("unsigned", StringComparison.Ordinal) => "BIGINT UNSIGNED",
            FieldType.Number when column.HasIntegerSource => "BIGINT",
            FieldType.Number when column.HasFloatSource => "DOUBLE",

            FieldType.Number when ToDecimalType(source) is { } decimalType => decimalType,

            // The widest DECIMAL, because a plain DECIMAL is DECIMAL(10,0) and would round every fraction away. It
            // stores every .NET decimal exactly, because a decimal has at most 29 digits and 28 decimal places.
            FieldType.Number => "DECIMAL(65,30)",
            FieldType.Boolean => "BOOLEAN",
            FieldType.Datetime when source == "date" => "DATE",
            FieldType.Datetime when source.StartsWith("datetime", StringComparison.Ordinal) || source is "timestamp" or "timestamp without time zone"
                => "DATETIME(6)",

            // A key cannot be NULL, and a NOT NULL TIMESTAMP can get ON UPDATE CURRENT_TIMESTAMP (below), which would
            // change the key when its row is updated. So a key column is a DATETIME that stores the instant's UTC time.
            FieldType.Datetime when isKey => "DATETIME(6)",

            // NULL keeps the server from giving the first TIMESTAMP column of a table NOT NULL DEFAULT CURRENT_TIMESTAMP
            // ON UPDATE CURRENT_TIMESTAMP, which it does when explicit_defaults_for_timestamp is off.
            FieldType.Datetime => "TIMESTAMP(6) NULL",
            FieldType.Object or FieldType.Array when !isKey => "JSON",
            FieldType.Binary => isKey ? KeyBinary : "LONGBLOB",
            _ => isKey ? KeyText : "LONGTEXT",
        };
    }

    /// <summary>
    /// Returns <c>DECIMAL(p,s)</c> for a source type <c>numeric(p,s)</c>, <c>numeric(p)</c> or <c>decimal(p,s)</c>, so
    /// values read back with the source's scale. Returns null when MySQL's DECIMAL cannot hold the precision (at most
    /// 65 digits) or the scale (at most 30).
    /// </summary>
    private static string? ToDecimalType(string source)
    {
        var match = DecimalTypeForm().Match(source);
        if (!match.Success
            || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var precision)
            || !int.TryParse(match.Groups[2].Success ? match.Groups[2].Value : "0", CultureInfo.InvariantCulture, out var scale))
        {
            return null;
        }

        return precision is >= 1 and <= 65 && scale <= 30 && scale <= precision
            ? string.Create(CultureInfo.InvariantCulture, $"DECIMAL({precision},{scale})")
            : null;
    }

    /// <summary>
    /// Returns the CREATE TABLE statement. The table's character set is utf8mb4 whatever the database's default, so
    /// text columns take every character a source can send.
    /// </summary>
    public static string ToCreateStatement(string database, NewTargetObject newObject)
    {
        var columns = newObject.Columns.Select(column =>
        {
            var isKey = newObject.IsPrimaryKey(column);
            return $"{MySqlIdentifiers.Quote(column.Name)} {ToColumnType(column, isKey)}{(isKey ? " PRIMARY KEY" : "")}";
        });
        return $"CREATE TABLE {MySqlIdentifiers.QuoteObject(database, newObject.Name)} ({string.Join(", ", columns)}) DEFAULT CHARACTER SET utf8mb4";
    }

    public static async Task CreateAsync(
        MySqlConnection connection, string database, NewTargetObject newObject, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(ToCreateStatement(database, newObject), connection);
        await using var commandScope = command.ConfigureAwait(false);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException exception) when (exception.ErrorCode == MySqlErrorCode.TableExists)
        {
            throw new TargetObjectExistsException(MySqlIdentifiers.ToObjectId(database, newObject.Name), exception);
        }
    }

    public static async Task DropAsync(MySqlConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand($"DROP TABLE IF EXISTS {MySqlIdentifiers.QuoteObject(database, table)}", connection);
        await using var commandScope = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns true for the errors of a column definition the server cannot use: a syntax error (an unknown type name),
    /// a size out of range, or an unknown character set or collation.
    /// </summary>
    private static bool IsTypeError(MySqlException exception) =>
        exception.ErrorCode is MySqlErrorCode.ParseError or MySqlErrorCode.TooBigFieldLength or MySqlErrorCode.TooBigDisplayWidth
            or MySqlErrorCode.TooBigScale or MySqlErrorCode.TooBigPrecision or MySqlErrorCode.MBiggerThanD
            or MySqlErrorCode.UnknownCharacterSet or MySqlErrorCode.UnknownCollation or MySqlErrorCode.CollationCharsetMismatch
            or MySqlErrorCode.InvalidDefault or MySqlErrorCode.WrongFieldSpecifier or (MySqlErrorCode)UnknownDataType;

    // Words (BIGINT, UNSIGNED, CHARACTER SET utf8mb4, COLLATE utf8mb4_bin) with at most one size such as (12,2).
    // Quotes, backticks, semicolons and comments cannot match, so the name is safe to put into a statement.
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\s*\(\s*\d+\s*(,\s*\d+\s*)?\))?( [A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex TypeNameForm();

    // A numeric or decimal type with a precision and an optional scale, as PostgreSQL and MySQL name them in lower case.
    [GeneratedRegex(@"^(?:numeric|decimal)\s*\(\s*(\d{1,4})\s*(?:,\s*(\d{1,4})\s*)?\)")]
    private static partial Regex DecimalTypeForm();
}
