using MySqlConnector;
using Outflow.Core.Connectors;
using static Outflow.Connectors.MySql.MySqlIdentifiers;

namespace Outflow.Connectors.MySql;

/// <summary>
/// The statements that write one batch's records inside its transaction. An upsert locks the identity's row with
/// SELECT … FOR UPDATE and then inserts or updates; the other operations read the outcome from the matched-row count.
/// A record with a value its column would change fails alone, before any statement runs for it.
/// </summary>
internal sealed class MySqlStatements : IAsyncDisposable
{
    private readonly WriteBatch _batch;
    private readonly MySqlColumn? _identity;
    private readonly List<MySqlColumn> _fields;
    private readonly MySqlCommand _append;
    private readonly MySqlCommand? _exists;
    private readonly MySqlCommand? _insert;
    private readonly MySqlCommand? _update;
    private readonly MySqlCommand? _delete;

    /// <exception cref="ConnectorException">The identity column or a field is not a writable column of the table, or the identity column is not unique.</exception>
    public MySqlStatements(MySqlConnection connection, MySqlTransaction transaction, MySqlTable table, WriteBatch batch)
    {
        _batch = batch;
        _fields = batch.Fields
            .Select(name => table.FindColumn(name)
                ?? throw new ConnectorException($"field {name} is not a writable column of table {table.ObjectId}; map the field to one of its columns."))
            .ToList();

        var fieldNames = _fields.Select(c => Quote(c.Name)).ToList();
        var fieldValues = _fields.Select((_, i) => $"@p{i}").ToList();
        _append = Create(connection, transaction, $"INSERT INTO {table.QuotedName} ({string.Join(", ", fieldNames)}) VALUES ({string.Join(", ", fieldValues)})");
        if (batch.IdentityField is null)
        {
            return;
        }

        _identity = table.FindColumn(batch.IdentityField)
            ?? throw new ConnectorException(
                $"identity field {batch.IdentityField} is not a writable column of table {table.ObjectId}; pick one of its columns.");
        if (!_identity.SupportsIdentity)
        {
            throw new ConnectorException(
                $"column {_identity.Name} of table {table.ObjectId} cannot identify records because it is neither the primary key nor " +
                "the only column of a unique index; add a unique index on it, or pick a column that has one.");
        }

        var match = $"{Quote(_identity.Name)} = @id";
        if (!_fields.Contains(_identity))
        {
            fieldNames.Insert(0, Quote(_identity.Name));
            fieldValues.Insert(0, "@id");
        }

        // A create-only field keeps its current value unless that is NULL.
        var assignments = _fields
            .Select((c, i) => (Column: c, Parameter: $"@p{i}"))
            .Where(pair => pair.Column != _identity)
            .Select(pair => batch.CreateOnlyFields.Contains(pair.Column.Name)
                ? $"{Quote(pair.Column.Name)} = COALESCE({Quote(pair.Column.Name)}, {pair.Parameter})"
                : $"{Quote(pair.Column.Name)} = {pair.Parameter}")
            .ToList();
        var setList = assignments.Count == 0 ? $"{Quote(_identity.Name)} = {Quote(_identity.Name)}" : string.Join(", ", assignments);

        _exists = Create(connection, transaction, $"SELECT 1 FROM {table.QuotedName} WHERE {match} LIMIT 1 FOR UPDATE");
        _insert = Create(connection, transaction, $"INSERT INTO {table.QuotedName} ({string.Join(", ", fieldNames)}) VALUES ({string.Join(", ", fieldValues)})");
        _update = Create(connection, transaction, $"UPDATE {table.QuotedName} SET {setList} WHERE {match}");
        _delete = Create(connection, transaction, $"DELETE FROM {table.QuotedName} WHERE {match}");
    }

    /// <exception cref="ArgumentException">The record's values do not match the fields, or it needs the identity field the batch lacks.</exception>
    public async Task<RecordResult> WriteAsync(TargetRecord record, CancellationToken cancellationToken)
    {
        if (record.Operation != RecordOperation.Delete && record.Values.Length != _batch.Fields.Count)
        {
            throw new ArgumentException($"a record has {record.Values.Length} values but the batch has {_batch.Fields.Count} fields", nameof(record));
        }

        if (record.Operation != RecordOperation.Append && _identity is null)
        {
            throw new ArgumentException(
                $"a {record.Operation} record needs the batch's identity field, which is null; only Append records can do without it", nameof(record));
        }

        string? warning;
        try
        {
            warning = Bind(record);
        }
        catch (MySqlValueException exception)
        {
            return new RecordResult(RecordOutcome.Failed, exception.Message);
        }

        switch (record.Operation)
        {
            case RecordOperation.Append:
                await _append.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new RecordResult(RecordOutcome.Inserted, Warning: warning);
            case RecordOperation.Upsert:
                var exists = await _exists!.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
                await (exists ? _update! : _insert!).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new RecordResult(exists ? RecordOutcome.Updated : RecordOutcome.Inserted, Warning: warning);
            case RecordOperation.Insert:
                if (await _exists!.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    return new RecordResult(RecordOutcome.Skipped);
                }

                await _insert!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new RecordResult(RecordOutcome.Inserted, Warning: warning);
            case RecordOperation.Update:
                // MySqlConnector reports matched rows (UseAffectedRows=false), so an update that changes nothing still counts.
                var updated = await _update!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
                return updated ? new RecordResult(RecordOutcome.Updated, Warning: warning) : new RecordResult(RecordOutcome.NotFound);
            case RecordOperation.Delete:
                var deleted = await _delete!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
                return new RecordResult(deleted ? RecordOutcome.Deleted : RecordOutcome.NotFound);
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.Operation, "unknown record operation");
        }
    }

    /// <summary>Returns true when the table has a record with this identity; a value the column cannot store returns false.</summary>
    public async Task<bool> ExistsAsync(object identity, CancellationToken cancellationToken)
    {
        if (_identity is null || _exists is null)
        {
            throw new InvalidOperationException("the batch has no identity field, so records cannot be looked up");
        }

        try
        {
            _exists.Parameters["@id"].Value = MySqlValues.ToParameter(identity, _identity).Value;
        }
        catch (MySqlValueException)
        {
            return false;
        }

        return await _exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _append, _exists, _insert, _update, _delete })
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Converts the record's values into every command's parameters and returns the conversion warnings joined.</summary>
    /// <exception cref="MySqlValueException">A column would change one of the record's values.</exception>
    private string? Bind(TargetRecord record)
    {
        var warnings = new List<string>();
        object identity = DBNull.Value;
        if (_identity is not null && record.Operation != RecordOperation.Append)
        {
            var stored = MySqlValues.ToParameter(record.Identity, _identity);
            identity = stored.Value;
            if (stored.Warning is not null && !_fields.Contains(_identity) && record.Operation is RecordOperation.Upsert or RecordOperation.Insert)
            {
                warnings.Add(stored.Warning);
            }
        }

        var values = new object[record.Operation == RecordOperation.Delete ? 0 : _fields.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var stored = MySqlValues.ToParameter(record.Values[i], _fields[i]);
            values[i] = stored.Value;
            if (stored.Warning is not null)
            {
                warnings.Add(stored.Warning);
            }
        }

        foreach (var command in new[] { _append, _exists, _insert, _update, _delete })
        {
            if (command is null)
            {
                continue;
            }

            if (command.Parameters.Contains("@id"))
            {
                command.Parameters["@id"].Value = identity;
            }

            for (var i = 0; i < values.Length; i++)
            {
                if (command.Parameters.Contains($"@p{i}"))
                {
                    command.Parameters[$"@p{i}"].Value = values[i];
                }
            }
        }

        return warnings.Count == 0 ? null : string.Join("; ", warnings);
    }

    private MySqlCommand Create(MySqlConnection connection, MySqlTransaction transaction, string sql)
    {
        var command = new MySqlCommand(sql, connection, transaction);
        if (sql.Contains("@id", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("@id", DBNull.Value);
        }

        for (var i = 0; i < _fields.Count; i++)
        {
            if (sql.Contains($"@p{i}", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue($"@p{i}", DBNull.Value);
            }
        }

        return command;
    }
}
