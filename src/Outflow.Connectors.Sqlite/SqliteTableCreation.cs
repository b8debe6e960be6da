using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>Creates target tables: the declared types a field type maps to and the checks on names and type names.</summary>
internal static partial class SqliteTableCreation
{
    /// <summary>SQLite reserves table names that begin with this prefix, compared without case, for its own tables.</summary>
    private const string ReservedPrefix = "sqlite_";

    // Any object (table, view, index, trigger) of the same name, compared without case as SQLite compares names, blocks
    // a new table.
    private const string ExistsQuery = "SELECT 1 FROM sqlite_schema WHERE name = $name COLLATE NOCASE";

    public static string? CheckName(string name, bool isTable)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "it contains the NUL character (U+0000), which SQLite names cannot contain";
        }

        return isTable && name.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase)
            ? $"SQLite reserves names that begin with {ReservedPrefix} for its own tables"
            : null;
    }

    /// <summary>
    /// Checks a declared type by its form only: SQLite takes any words, optionally followed by a size, as a column's
    /// type and derives the column's affinity from them.
    /// </summary>
    public static string? CheckType(string typeName) =>
        TypeNameForm().IsMatch(typeName)
            ? null
            : "it is not a SQLite type name: use words optionally followed by a size, such as INTEGER, TEXT, REAL or VARCHAR(40)";

    /// <summary>Returns the declared type for a field type: the override when set, else the documented mapping.</summary>
    public static string ToColumnType(NewTargetColumn column)
    {
        if (column.RemoteType is not null)
        {
            return column.RemoteType;
        }

        var source = column.SourceType?.ToUpperInvariant() ?? "";
        return column.Type switch
        {
            FieldType.Number when source.Contains("INT", StringComparison.Ordinal) => "INTEGER",
            FieldType.Number when source.Contains("DOUB", StringComparison.Ordinal)
                || source.Contains("FLOA", StringComparison.Ordinal) || source.Contains("REAL", StringComparison.Ordinal) => "REAL",
            FieldType.Number => "NUMERIC",
            FieldType.String => "TEXT",
            FieldType.Boolean => "BOOLEAN",
            FieldType.Datetime => "DATETIME",
            FieldType.Object or FieldType.Array => "JSON",
            FieldType.Binary => "BLOB",

            // A column without a declared type stores every value as it is given.
            _ => "",
        };
    }

    public static string ToCreateStatement(NewTargetObject newObject)
    {
        var columns = newObject.Columns.Select(column =>
        {
            var type = ToColumnType(column);
            var definition = type.Length == 0 ? SqliteIdentifiers.Quote(column.Name) : $"{SqliteIdentifiers.Quote(column.Name)} {type}";

            // NOT NULL because SQLite otherwise lets a primary key column other than INTEGER hold nulls.
            return newObject.IsPrimaryKey(column) ? definition + " PRIMARY KEY NOT NULL" : definition;
        });
        return $"CREATE TABLE {SqliteIdentifiers.Quote(newObject.Name)} ({string.Join(", ", columns)})";
    }

    /// <summary>Checks for a clash and creates the table in one write transaction, so no other writer can take the name in between.</summary>
    /// <exception cref="TargetObjectExistsException">An object of that name exists.</exception>
    public static async Task CreateAsync(SqliteConnection connection, NewTargetObject newObject, CancellationToken cancellationToken)
    {
        var transaction = connection.BeginTransaction(deferred: false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
            command.CommandText = ExistsQuery;
            command.Parameters.AddWithValue("$name", newObject.Name);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new TargetObjectExistsException(newObject.Name);
            }

            command.Parameters.Clear();
            command.CommandText = ToCreateStatement(newObject);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task DropAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.CommandText = $"DROP TABLE IF EXISTS {SqliteIdentifiers.Quote(table)}";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*( [A-Za-z_][A-Za-z0-9_]*)*(\s*\(\s*[+-]?\d+\s*(,\s*[+-]?\d+\s*)?\))?$")]
    private static partial Regex TypeNameForm();
}
