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
    private readonly WriteBatch _batch;
    private readonly bool _identityInFields;
    private readonly string _upsert;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;

    /// <exception cref="ConnectorException">The identity column or a field is not a writable column of the table, or the identity column has no unique index.</exception>
    public PostgreSqlStatements(PostgreSqlTable table, WriteBatch batch)
    {
        _batch = batch;
        var identity = table.FindColumn(batch.IdentityField)
            ?? throw new ConnectorException(
                $"identity field {batch.IdentityField} is not a writable column of table {table.ObjectId}; pick one of its columns.");
        if (!identity.SupportsIdentity)
        {
            throw new ConnectorException(
                $"column {identity.Name} of table {table.ObjectId} cannot identify records because it has no primary key or " +
                "single-column unique index; add one, or pick a column that has it.");
        }

        var fields = batch.Fields
            .Select(name => table.FindColumn(name)
                ?? throw new ConnectorException($"field {name} is not a writable column of table {table.ObjectId}; map the field to one of its columns."))
            .ToList();
        _identityInFields = fields.Contains(identity);

        // Insert columns are the fields, with the identity column first when the fields lack it; parameter n is insert column n.
        List<PostgreSqlColumn> insertColumns = _identityInFields ? fields : [identity, .. fields];
        var quotedIdentity = Quote(identity.Name);
        var columnList = string.Join(", ", insertColumns.Select(c => Quote(c.Name)));
        var valueList = string.Join(", ", insertColumns.Select((c, i) => Cast(i + 1, c)));
        var insert = $"INSERT INTO {table.QuotedName} ({columnList}) VALUES ({valueList})";

        var updatable = insertColumns.Where(c => c != identity).ToList();

        // An upsert without other columns still needs an assignment so that the conflicting row is returned.
        var excludedAssignments = updatable.Count == 0
            ? $"{quotedIdentity} = EXCLUDED.{quotedIdentity}"
            : string.Join(", ", updatable.Select(c => $"{Quote(c.Name)} = EXCLUDED.{Quote(c.Name)}"));
        _upsert = $"{insert} ON CONFLICT ({quotedIdentity}) DO UPDATE SET {excludedAssignments} RETURNING (xmax = 0)";
        _insert = $"{insert} ON CONFLICT ({quotedIdentity}) DO NOTHING RETURNING true";

        // Update and delete take the identity as parameter 1 and the update's fields, in field order, from parameter 2 on.
        var identityMatch = $"{quotedIdentity} = {Cast(1, identity)}";
        var updateFields = fields.Where(c => c != identity).ToList();
        var assignments = updateFields.Count == 0
            ? $"{quotedIdentity} = {quotedIdentity}"
            : string.Join(", ", updateFields.Select((c, i) => $"{Quote(c.Name)} = {Cast(i + 2, c)}"));
        _update = $"UPDATE {table.QuotedName} SET {assignments} WHERE {identityMatch} RETURNING true";
        _delete = $"DELETE FROM {table.QuotedName} WHERE {identityMatch} RETURNING true";
        IdentityPosition = fields.IndexOf(identity);
    }

    /// <summary>The index of the identity column among the batch's fields, or -1 when the fields lack it.</summary>
    private int IdentityPosition { get; }

    public NpgsqlBatchCommand Create(TargetRecord record)
    {
        if (record.Operation != RecordOperation.Delete && record.Values.Length != _batch.Fields.Count)
        {
            throw new ArgumentException(
                $"a record has {record.Values.Length} values but the batch has {_batch.Fields.Count} fields", nameof(record));
        }

        var command = new NpgsqlBatchCommand(record.Operation switch
        {
            RecordOperation.Upsert => _upsert,
            RecordOperation.Insert => _insert,
            RecordOperation.Update => _update,
            RecordOperation.Delete => _delete,
            _ => throw new ArgumentOutOfRangeException(nameof(record), record.Operation, "unknown record operation"),
        });

        switch (record.Operation)
        {
            case RecordOperation.Upsert or RecordOperation.Insert:
                if (!_identityInFields)
                {
                    command.Parameters.Add(PostgreSqlParameters.Create(record.Identity));
                }

                AddValues(command, record, skip: -1);
                break;
            case RecordOperation.Update:
                command.Parameters.Add(PostgreSqlParameters.Create(record.Identity));
                AddValues(command, record, skip: IdentityPosition);
                break;
            default:
                command.Parameters.Add(PostgreSqlParameters.Create(record.Identity));
                break;
        }

        return command;
    }

    private static string Cast(int parameter, PostgreSqlColumn column) => $"${parameter}::{column.CastType}";

    private static void AddValues(NpgsqlBatchCommand command, TargetRecord record, int skip)
    {
        for (var i = 0; i < record.Values.Length; i++)
        {
            if (i != skip)
            {
                command.Parameters.Add(PostgreSqlParameters.Create(record.Values[i]));
            }
        }
    }
}
