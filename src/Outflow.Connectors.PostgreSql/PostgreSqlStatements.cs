using Npgsql;
using Outflow.Core.Connectors;
using static Outflow.Connectors.PostgreSql.PostgreSqlIdentifiers;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// The statements that write one batch's records. Every parameter is cast to its column's type, and each
/// statement returns a row only when it wrote one, so the results distinguish inserted, updated, skipped and missing records.
/// </summary>
internal sealed class PostgreSqlStatements
{
    // The alias names the existing row in ON CONFLICT DO UPDATE, whatever the table is called.
    private const string TargetAlias = "outflow_target";

    private readonly WriteBatch _batch;
    private readonly List<PostgreSqlColumn> _fields;
    private readonly PostgreSqlColumn? _identity;
    private readonly bool _identityInFields;
    private readonly string _append;
    private readonly string? _upsert;
    private readonly string? _insert;
    private readonly string? _update;
    private readonly string? _delete;

    /// <exception cref="ConnectorException">The identity column or a field is not a writable column of the table, or the identity column has no unique index.</exception>
    public PostgreSqlStatements(PostgreSqlTable table, WriteBatch batch)
    {
        _batch = batch;
        _fields = batch.Fields
            .Select(name => table.FindColumn(name)
                ?? throw new ConnectorException($"field {name} is not a writable column of table {table.ObjectId}; map the field to one of its columns."))
            .ToList();
        _append = _fields.Count == 0
            ? $"INSERT INTO {table.QuotedName} DEFAULT VALUES RETURNING true"
            : $"INSERT INTO {table.QuotedName} ({ColumnList(_fields)}) VALUES ({ValueList(_fields)}) RETURNING true";

        // A batch of Append records only has no identity field and needs no statement that matches records.
        if (batch.IdentityField is null)
        {
            return;
        }

        var identity = FindIdentity(table, batch.IdentityField);
        _identity = identity;
        _identityInFields = _fields.Contains(identity);

        // Insert columns are the fields, with the identity column first when the fields lack it; parameter n is insert column n.
        List<PostgreSqlColumn> insertColumns = _identityInFields ? _fields : [identity, .. _fields];
        var quotedIdentity = Quote(identity.Name);
        var insert = $"INSERT INTO {table.QuotedName} AS {TargetAlias} ({ColumnList(insertColumns)}) VALUES ({ValueList(insertColumns)})";

        // An upsert without other columns still needs an assignment so that the conflicting row is returned.
        // A create-only field keeps its current value unless that is NULL.
        var updatable = insertColumns.Where(c => c != identity).ToList();
        var excludedAssignments = updatable.Count == 0
            ? $"{quotedIdentity} = EXCLUDED.{quotedIdentity}"
            : string.Join(", ", updatable.Select(c => IsCreateOnly(c)
                ? $"{Quote(c.Name)} = COALESCE({TargetAlias}.{Quote(c.Name)}, EXCLUDED.{Quote(c.Name)})"
                : $"{Quote(c.Name)} = EXCLUDED.{Quote(c.Name)}"));
        _upsert = $"{insert} ON CONFLICT ({quotedIdentity}) DO UPDATE SET {excludedAssignments} RETURNING (xmax = 0)";
        _insert = $"{insert} ON CONFLICT ({quotedIdentity}) DO NOTHING RETURNING true";

        // Update and delete take the identity as parameter 1 and the update's fields, in field order, from parameter 2 on.
        var identityMatch = $"{quotedIdentity} = {Cast(1, identity)}";
        var updateFields = _fields.Where(c => c != identity).ToList();
        var assignments = updateFields.Count == 0
            ? $"{quotedIdentity} = {quotedIdentity}"
            : string.Join(", ", updateFields.Select((c, i) => IsCreateOnly(c)
                ? $"{Quote(c.Name)} = COALESCE({Quote(c.Name)}, {Cast(i + 2, c)})"
                : $"{Quote(c.Name)} = {Cast(i + 2, c)}"));
        _update = $"UPDATE {table.QuotedName} SET {assignments} WHERE {identityMatch} RETURNING true";
        _delete = $"DELETE FROM {table.QuotedName} WHERE {identityMatch} RETURNING true";
    }

    /// <summary>Returns the column that matches records by <paramref name="identityField"/>.</summary>
    /// <exception cref="ConnectorException">The field is not a writable column, or the column cannot identify records.</exception>
    public static PostgreSqlColumn FindIdentity(PostgreSqlTable table, string identityField)
    {
        var identity = table.FindColumn(identityField)
            ?? throw new ConnectorException(
                $"identity field {identityField} is not a writable column of table {table.ObjectId}; pick one of its columns.");
        if (identity.IdentityProblem is { } problem)
        {
            throw new ConnectorException(
                $"column {identity.Name} of table {table.ObjectId} cannot identify records because {problem}; " +
                "pick a column with a primary key or unique index under a deterministic collation, or add one.");
        }

        return identity;
    }

    /// <summary>
    /// Creates the statement for one record, or returns the message of the value its column would change. The warning
    /// collects how the columns store the record's values.
    /// </summary>
    /// <exception cref="ArgumentException">The record's values do not match the fields, or it needs the identity field the batch lacks.</exception>
    public (NpgsqlBatchCommand? Command, string? Warning, string? Error) Create(TargetRecord record)
    {
        if (record.Operation != RecordOperation.Delete && record.Values.Length != _batch.Fields.Count)
        {
            throw new ArgumentException(
                $"a record has {record.Values.Length} values but the batch has {_batch.Fields.Count} fields", nameof(record));
        }

        if (record.Operation != RecordOperation.Append && _identity is null)
        {
            throw new ArgumentException(
                $"a {record.Operation} record needs the batch's identity field, which is null; only Append records can do without it",
                nameof(record));
        }

        var command = new NpgsqlBatchCommand(record.Operation switch
        {
            RecordOperation.Append => _append,
            RecordOperation.Upsert => _upsert!,
            RecordOperation.Insert => _insert!,
            RecordOperation.Update => _update!,
            RecordOperation.Delete => _delete!,
            _ => throw new ArgumentOutOfRangeException(nameof(record), record.Operation, "unknown record operation"),
        });

        var warnings = new List<string>();
        try
        {
            switch (record.Operation)
            {
                case RecordOperation.Append:
                    AddValues(command, record, skip: -1, warnings);
                    break;
                case RecordOperation.Upsert or RecordOperation.Insert:
                    if (!_identityInFields)
                    {
                        AddValue(command, record.Identity, _identity!, warnings);
                    }

                    AddValues(command, record, skip: -1, warnings);
                    break;
                case RecordOperation.Update:
                    AddValue(command, record.Identity, _identity!, warnings: null);
                    AddValues(command, record, skip: _fields.IndexOf(_identity!), warnings);
                    break;
                default:
                    AddValue(command, record.Identity, _identity!, warnings: null);
                    break;
            }
        }
        catch (PostgreSqlValueException exception)
        {
            return (null, null, exception.Message);
        }

        return (command, warnings.Count == 0 ? null : string.Join("; ", warnings), null);
    }

    private bool IsCreateOnly(PostgreSqlColumn column) => _batch.CreateOnlyFields.Contains(column.Name);

    private static string ColumnList(IEnumerable<PostgreSqlColumn> columns) => string.Join(", ", columns.Select(c => Quote(c.Name)));

    private static string ValueList(IEnumerable<PostgreSqlColumn> columns) => string.Join(", ", columns.Select((c, i) => Cast(i + 1, c)));

    private static string Cast(int parameter, PostgreSqlColumn column) => $"${parameter}::{column.CastType}";

    private static void AddValue(NpgsqlBatchCommand command, object? value, PostgreSqlColumn column, List<string>? warnings)
    {
        var stored = PostgreSqlValues.ToParameterValue(value, column);
        command.Parameters.Add(PostgreSqlParameters.Create(stored.Value));
        if (stored.Warning is not null)
        {
            warnings?.Add(stored.Warning);
        }
    }

    private void AddValues(NpgsqlBatchCommand command, TargetRecord record, int skip, List<string> warnings)
    {
        for (var i = 0; i < record.Values.Length; i++)
        {
            if (i != skip)
            {
                AddValue(command, record.Values[i], _fields[i], warnings);
            }
        }
    }
}
