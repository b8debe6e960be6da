using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>Writes batches to PostgreSQL tables, one transaction per batch.</summary>
internal sealed class PostgreSqlTargetConnector(PostgreSqlSettings settings, ILogger logger) : ITargetConnector
{
    private readonly string _connectionString = settings.ToConnectionString();
    private readonly ConcurrentDictionary<string, PostgreSqlTable> _tables = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            var tables = await PostgreSqlCatalog.ReadTablesAsync(connection, null, cancellationToken).ConfigureAwait(false);
            return tables.Select(t => t.ToObjectInfo()).ToList();
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, "listing tables failed");
        }
    }

    public async Task<TargetObjectInfo?> DescribeObjectAsync(string objectId, CancellationToken cancellationToken)
    {
        var table = await FindTableAsync(objectId, useCache: false, cancellationToken).ConfigureAwait(false);
        return table?.ToObjectInfo();
    }

    public async Task<IReadOnlyList<RecordResult>> WriteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Records.Count == 0)
        {
            return [];
        }

        var table = await FindTableAsync(batch.ObjectId, useCache: true, cancellationToken).ConfigureAwait(false)
            ?? throw new ConnectorException(
                $"table {batch.ObjectId} does not exist; create it or pick another target object, named schema.table.");
        var statements = new PostgreSqlStatements(table, batch);

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var npgsqlBatch = new NpgsqlBatch(connection, transaction);
        await using var npgsqlBatchScope = npgsqlBatch.ConfigureAwait(false);
        foreach (var record in batch.Records)
        {
            npgsqlBatch.BatchCommands.Add(statements.Create(record));
        }

        var results = new RecordResult[batch.Records.Count];
        try
        {
            var reader = await npgsqlBatch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                for (var i = 0; i < results.Length; i++)
                {
                    var hasRow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    results[i] = ToResult(batch.Records[i].Operation, hasRow, hasRow && reader.GetBoolean(0));
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            var failed = exception is NpgsqlException { BatchCommand: { } command } ? npgsqlBatch.BatchCommands.IndexOf(command) : -1;
            var position = failed >= 0 ? $" at record {failed + 1}" : "";
            Log.BatchRolledBack(logger, batch.ObjectId, batch.Records.Count, (exception as PostgresException)?.SqlState);
            throw PostgreSqlErrors.Wrap(
                exception, $"writing {batch.Records.Count} records to {batch.ObjectId} failed{position}, and none of them were written");
        }

        Log.BatchWritten(logger, batch.ObjectId, batch.Records.Count);
        return results;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static RecordResult ToResult(RecordOperation operation, bool hasRow, bool inserted) =>
        operation switch
        {
            RecordOperation.Upsert => new RecordResult(inserted ? RecordOutcome.Inserted : RecordOutcome.Updated),
            RecordOperation.Insert => new RecordResult(hasRow ? RecordOutcome.Inserted : RecordOutcome.Skipped),
            RecordOperation.Update => new RecordResult(hasRow ? RecordOutcome.Updated : RecordOutcome.NotFound),
            RecordOperation.Delete => new RecordResult(hasRow ? RecordOutcome.Deleted : RecordOutcome.NotFound),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown record operation"),
        };

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        PostgreSqlConnections.OpenAsync(settings, _connectionString, cancellationToken);

    private async Task<PostgreSqlTable?> FindTableAsync(string objectId, bool useCache, CancellationToken cancellationToken)
    {
        if (useCache && _tables.TryGetValue(objectId, out var cached))
        {
            return cached;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        IReadOnlyList<PostgreSqlTable> tables;
        try
        {
            tables = await PostgreSqlCatalog.ReadTablesAsync(connection, PostgreSqlIdentifiers.SplitObjectId(objectId), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, $"describing table {objectId} failed");
        }

        if (tables.Count == 0)
        {
            return null;
        }

        _tables[objectId] = tables[0];
        return tables[0];
    }
}
