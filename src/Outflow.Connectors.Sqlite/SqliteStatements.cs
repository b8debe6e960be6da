using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;
using static Outflow.Connectors.Sqlite.SqliteIdentifiers;

namespace Outflow.Connectors.Sqlite;

/// <summary>
/// The prepared statements that write one batch's records inside its transaction. An upsert checks whether the
/// identity exists and then inserts or updates, except in a batch of records new to the sync, where it tries the
/// insert first. The other operations read the outcome from the changed-row count.
/// A record with a value its column would change fails alone, before any statement runs for it.
/// </summary>
internal sealed class SqliteStatements : IAsyncDisposable
{
    private readonly WriteBatch _batch;
    private readonly SqliteColumn? _identity;
    private readonly List<SqliteColumn> _fields;
    private readonly SqliteCommand _append;
    private readonly SqliteCommand? _exists;
    private readonly SqliteCommand? _insert;
    private readonly SqliteCommand? _insertIfMissing;
    private readonly SqliteCommand? _update;
    private readonly SqliteCommand? _delete;

    /// <exception cref="ConnectorException">The identity column or a field is not a writable column of the table, or the identity column is not unique.</exception>
    public SqliteStatements(SqliteConnection connection, SqliteTransaction transaction, SqliteTable table, WriteBatch batch)
    {
        _batch = batch;
        _fields = batch.Fields
            .Select(name => table.FindColumn(name)
                ?? throw new ConnectorException($"field {name} is not a writable column of table {table.Name}; map the field to one of its columns."))
            .ToList();

        var quotedTable = Quote(table.Name);
        var fieldNames = _fields.Select(c => Quote(c.Name)).ToList();
        var fieldValues = _fields.Select((_, i) => $"$p{i}").ToList();
        _append = Create(
            connection,
            transaction,
            _fields.Count == 0
                ? $"INSERT INTO {quotedTable} DEFAULT VALUES"
                : $"INSERT INTO {quotedTable} ({string.Join(", ", fieldNames)}) VALUES ({string.Join(", ", fieldValues)})",
            withValues: true);

        // A batch of Append records only has no identity field and needs no statement that matches records.
        if (batch.IdentityField is null)
        {
            return;
        }

        _identity = table.FindColumn(batch.IdentityField)
            ?? throw new ConnectorException(
                $"identity field {batch.IdentityField} is not a writable column of table {table.Name}; pick one of its columns.");
        if (!_identity.SupportsIdentity)
        {
            throw new ConnectorException(
                $"column {_identity.Name} of table {table.Name} cannot identify records because it is neither the primary key nor " +
                "the only column of a unique index; add a unique index on it, or pick a column that has one.");
        }

        var identityMatch = _identity.MatchExpression("$id");

        // Insert columns are the fields, with the identity column ($id) added when the fields lack it.
        if (!_fields.Contains(_identity))
        {
            fieldNames.Insert(0, Quote(_identity.Name));
            fieldValues.Insert(0, "$id");
        }

        var insert = $"INSERT INTO {quotedTable} ({string.Join(", ", fieldNames)}) VALUES ({string.Join(", ", fieldValues)})";

        // A create-only field keeps its current value unless that is NULL.
        var assignments = _fields
            .Select((c, i) => (Column: c, Parameter: $"$p{i}"))
            .Where(pair => pair.Column != _identity)
            .Select(pair => batch.CreateOnlyFields.Contains(pair.Column.Name)
                ? $"{Quote(pair.Column.Name)} = COALESCE({Quote(pair.Column.Name)}, {pair.Parameter})"
                : $"{Quote(pair.Column.Name)} = {pair.Parameter}")
            .ToList();
        var setList = assignments.Count == 0 ? $"{Quote(_identity.Name)} = {Quote(_identity.Name)}" : string.Join(", ", assignments);

        _exists = Create(connection, transaction, $"SELECT 1 FROM {quotedTable} WHERE {identityMatch} LIMIT 1", withValues: false);
        _insert = Create(connection, transaction, insert, withValues: true);
        _insertIfMissing = Create(connection, transaction, $"{insert} ON CONFLICT ({Quote(_identity.Name)}) DO NOTHING", withValues: true);
        _update = Create(connection, transaction, $"UPDATE {quotedTable} SET {setList} WHERE {identityMatch}", withValues: true);
        _delete = Create(connection, transaction, $"DELETE FROM {quotedTable} WHERE {identityMatch}", withValues: false);
    }

    /// <exception cref="ArgumentException">The record's values do not match the fields, or it needs the identity field the batch lacks.</exception>
    public async Task<RecordResult> WriteAsync(TargetRecord record, CancellationToken cancellationToken)
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

        ConvertedRecord converted;
        try
        {
            converted = Convert(record);
        }
        catch (SqliteValueException exception)
        {
            return new RecordResult(RecordOutcome.Failed, exception.Message);
        }

        switch (record.Operation)
        {
            case RecordOperation.Append:
                await ExecuteAsync(_append, converted, cancellationToken).ConfigureAwait(false);
                return new RecordResult(RecordOutcome.Inserted, Warning: converted.Warning);
            case RecordOperation.Upsert when _batch.RecordsAreNew:
                // The sync's state has none of these records, so the insert nearly always succeeds on its own, without a
                // lookup first. A record the table already has is updated instead.
                if (await ExecuteAsync(_insertIfMissing!, converted, cancellationToken).ConfigureAwait(false) > 0)
                {
                    return new RecordResult(RecordOutcome.Inserted, Warning: converted.Warning);
                }

                await ExecuteAsync(_update!, converted, cancellationToken).ConfigureAwait(false);
                return new RecordResult(RecordOutcome.Updated, Warning: converted.Warning);
            case RecordOperation.Upsert:
                var exists = await ExecuteScalarAsync(_exists!, converted, cancellationToken).ConfigureAwait(false) is not null;
                await ExecuteAsync(exists ? _update! : _insert!, converted, cancellationToken).ConfigureAwait(false);
                return new RecordResult(exists ? RecordOutcome.Updated : RecordOutcome.Inserted, Warning: converted.Warning);
            case RecordOperation.Insert:
                var inserted = await ExecuteAsync(_insertIfMissing!, converted, cancellationToken).ConfigureAwait(false) > 0;
                return inserted
                    ? new RecordResult(RecordOutcome.Inserted, Warning: converted.Warning)
                    : new RecordResult(RecordOutcome.Skipped);
            case RecordOperation.Update:
                var updated = await ExecuteAsync(_update!, converted, cancellationToken).ConfigureAwait(false) > 0;
                return updated
                    ? new RecordResult(RecordOutcome.Updated, Warning: converted.Warning)
                    : new RecordResult(RecordOutcome.NotFound);
            case RecordOperation.Delete:
                var deleted = await ExecuteAsync(_delete!, converted, cancellationToken).ConfigureAwait(false) > 0;
                return new RecordResult(deleted ? RecordOutcome.Deleted : RecordOutcome.NotFound);
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.Operation, "unknown record operation");
        }
    }

    /// <summary>
    /// Returns true when the table has a record whose identity equals <paramref name="identity"/>, converted and compared
    /// as the statements that match records do. A value the identity column cannot store returns false.
    /// </summary>
    public async Task<bool> ExistsAsync(object identity, CancellationToken cancellationToken)
    {
        if (_identity is null)
        {
            throw new InvalidOperationException("the batch has no identity field, so records cannot be looked up");
        }

        SqliteStoredValue stored;
        try
        {
            stored = SqliteValues.ToStorage(identity, _identity);
        }
        catch (SqliteValueException)
        {
            return false;
        }

        var record = new ConvertedRecord(stored.Value, [], Warning: null);
        return await ExecuteScalarAsync(_exists!, record, cancellationToken).ConfigureAwait(false) is not null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _append, _exists, _insert, _insertIfMissing, _update, _delete })
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <exception cref="SqliteValueException">A column would change one of the record's values.</exception>
    private ConvertedRecord Convert(TargetRecord record)
    {
        var warnings = new List<string>();
        object identity = DBNull.Value;
        if (_identity is not null && record.Operation != RecordOperation.Append)
        {
            var stored = SqliteValues.ToStorage(record.Identity, _identity);
            identity = stored.Value;

            // The identity is written only by inserts that add it as an extra column.
            if (stored.Warning is not null && !_fields.Contains(_identity) && record.Operation is RecordOperation.Upsert or RecordOperation.Insert)
            {
                warnings.Add(stored.Warning);
            }
        }

        var values = new object[record.Operation == RecordOperation.Delete ? 0 : _fields.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var stored = SqliteValues.ToStorage(record.Values[i], _fields[i]);
            values[i] = stored.Value;
            if (stored.Warning is not null)
            {
                warnings.Add(stored.Warning);
            }
        }

        return new ConvertedRecord(identity, values, warnings.Count == 0 ? null : string.Join("; ", warnings));
    }

    private SqliteCommand Create(SqliteConnection connection, SqliteTransaction transaction, string sql, bool withValues)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (sql.Contains("$id", StringComparison.Ordinal))
        {
            command.Parameters.Add(new SqliteParameter("$id", DBNull.Value));
        }

        if (withValues)
        {
            for (var i = 0; i < _fields.Count; i++)
            {
                command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
            }
        }

        return command;
    }

    private static void Bind(SqliteCommand command, ConvertedRecord record)
    {
        if (command.Parameters.Contains("$id"))
        {
            command.Parameters["$id"].Value = record.Identity;
        }

        for (var i = 0; i < record.Values.Length && command.Parameters.Contains($"$p{i}"); i++)
        {
            command.Parameters[$"$p{i}"].Value = record.Values[i];
        }
    }

    private static Task<int> ExecuteAsync(SqliteCommand command, ConvertedRecord record, CancellationToken cancellationToken)
    {
        Bind(command, record);
        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task<object?> ExecuteScalarAsync(SqliteCommand command, ConvertedRecord record, CancellationToken cancellationToken)
    {
        Bind(command, record);
        return command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>A record's values as bound, and the warnings of their conversion joined into one message.</summary>
    private sealed record ConvertedRecord(object Identity, object[] Values, string? Warning);
}
