using Microsoft.Data.Sqlite;
using Outflow.Core.Connectors;
using static Outflow.Connectors.Sqlite.SqliteIdentifiers;

namespace Outflow.Connectors.Sqlite;

/// <summary>
/// The prepared statements that write one batch's records inside its transaction. An upsert checks whether the
/// identity exists and then inserts or updates; the other operations read the outcome from the changed-row count.
/// </summary>
internal sealed class SqliteStatements : IAsyncDisposable
{
    private readonly WriteBatch _batch;
    private readonly SqliteColumn _identity;
    private readonly List<SqliteColumn> _fields;
    private readonly SqliteCommand _exists;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _insertIfMissing;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _delete;

    /// <exception cref="ConnectorException">The identity column or a field is not a writable column of the table, or the identity column is not unique.</exception>
    public SqliteStatements(SqliteConnection connection, SqliteTransaction transaction, SqliteTable table, WriteBatch batch)
    {
        _batch = batch;
        _identity = table.FindColumn(batch.IdentityField)
            ?? throw new ConnectorException(
                $"identity field {batch.IdentityField} is not a writable column of table {table.Name}; pick one of its columns.");
        if (!_identity.SupportsIdentity)
        {
            throw new ConnectorException(
                $"column {_identity.Name} of table {table.Name} cannot identify records because it is neither the primary key nor " +
                "the only column of a unique index; add a unique index on it, or pick a column that has one.");
        }

        _fields = batch.Fields
            .Select(name => table.FindColumn(name)
                ?? throw new ConnectorException($"field {name} is not a writable column of table {table.Name}; map the field to one of its columns."))
            .ToList();

        var quotedTable = Quote(table.Name);
        var identityMatch = $"{Quote(_identity.Name)} = $id";

        // Insert columns are the fields, with the identity column ($id) added when the fields lack it.
        var insertNames = _fields.Select(c => Quote(c.Name)).ToList();
        var insertValues = _fields.Select((_, i) => $"$p{i}").ToList();
        if (!_fields.Contains(_identity))
        {
            insertNames.Insert(0, Quote(_identity.Name));
            insertValues.Insert(0, "$id");
        }

        var insert = $"INSERT INTO {quotedTable} ({string.Join(", ", insertNames)}) VALUES ({string.Join(", ", insertValues)})";
        var assignments = _fields
            .Select((c, i) => (Column: c, Parameter: $"$p{i}"))
            .Where(pair => pair.Column != _identity)
            .Select(pair => $"{Quote(pair.Column.Name)} = {pair.Parameter}")
            .ToList();
        var setList = assignments.Count == 0 ? $"{Quote(_identity.Name)} = {Quote(_identity.Name)}" : string.Join(", ", assignments);

        _exists = Create(connection, transaction, $"SELECT 1 FROM {quotedTable} WHERE {identityMatch} LIMIT 1", withValues: false);
        _insert = Create(connection, transaction, insert, withValues: true);
        _insertIfMissing = Create(connection, transaction, $"{insert} ON CONFLICT ({Quote(_identity.Name)}) DO NOTHING", withValues: true);
        _update = Create(connection, transaction, $"UPDATE {quotedTable} SET {setList} WHERE {identityMatch}", withValues: true);
        _delete = Create(connection, transaction, $"DELETE FROM {quotedTable} WHERE {identityMatch}", withValues: false);
    }

    public async Task<RecordResult> WriteAsync(TargetRecord record, CancellationToken cancellationToken)
    {
        if (record.Operation != RecordOperation.Delete && record.Values.Length != _batch.Fields.Count)
        {
            throw new ArgumentException(
                $"a record has {record.Values.Length} values but the batch has {_batch.Fields.Count} fields", nameof(record));
        }

        switch (record.Operation)
        {
            case RecordOperation.Upsert:
                var exists = await ExecuteScalarAsync(_exists, record, cancellationToken).ConfigureAwait(false) is not null;
                await ExecuteAsync(exists ? _update : _insert, record, cancellationToken).ConfigureAwait(false);
                return new RecordResult(exists ? RecordOutcome.Updated : RecordOutcome.Inserted);
            case RecordOperation.Insert:
                var inserted = await ExecuteAsync(_insertIfMissing, record, cancellationToken).ConfigureAwait(false) > 0;
                return new RecordResult(inserted ? RecordOutcome.Inserted : RecordOutcome.Skipped);
            case RecordOperation.Update:
                var updated = await ExecuteAsync(_update, record, cancellationToken).ConfigureAwait(false) > 0;
                return new RecordResult(updated ? RecordOutcome.Updated : RecordOutcome.NotFound);
            case RecordOperation.Delete:
                var deleted = await ExecuteAsync(_delete, record, cancellationToken).ConfigureAwait(false) > 0;
                return new RecordResult(deleted ? RecordOutcome.Deleted : RecordOutcome.NotFound);
            default:
                throw new ArgumentOutOfRangeException(nameof(record), record.Operation, "unknown record operation");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _exists, _insert, _insertIfMissing, _update, _delete })
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }
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

    private void Bind(SqliteCommand command, TargetRecord record)
    {
        if (command.Parameters.Contains("$id"))
        {
            command.Parameters["$id"].Value = SqliteValues.ToStorage(record.Identity, _identity.Affinity);
        }

        for (var i = 0; i < _fields.Count && record.Operation != RecordOperation.Delete && command.Parameters.Contains($"$p{i}"); i++)
        {
            command.Parameters[$"$p{i}"].Value = SqliteValues.ToStorage(record.Values[i], _fields[i].Affinity);
        }
    }

    private Task<int> ExecuteAsync(SqliteCommand command, TargetRecord record, CancellationToken cancellationToken)
    {
        Bind(command, record);
        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<object?> ExecuteScalarAsync(SqliteCommand command, TargetRecord record, CancellationToken cancellationToken)
    {
        Bind(command, record);
        return command.ExecuteScalarAsync(cancellationToken);
    }
}
