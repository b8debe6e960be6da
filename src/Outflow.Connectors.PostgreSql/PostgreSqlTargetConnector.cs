using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// Writes batches to PostgreSQL tables, one transaction per batch. Every session of the target runs with
/// <c>idle_in_transaction_session_timeout</c> set to <paramref name="idleTransactionTimeout"/>, so the server rolls back a
/// batch whose worker stalls (SIGSTOP, a long pause) between its statements and its commit, and ends the session. The
/// commit that the worker sends after it resumes then fails.
/// </summary>
internal sealed class PostgreSqlTargetConnector(PostgreSqlSettings settings, TimeSpan idleTransactionTimeout, ILogger logger)
    : ITargetConnector
{
    private readonly string _connectionString = settings.ToConnectionString(idleTransactionTimeout);
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

    public int PreferredBatchSize => 10_000;

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

        // A record with a value its column would change fails alone; the statements of the others run as one batch.
        var results = new RecordResult[batch.Records.Count];
        var warnings = new string?[batch.Records.Count];
        var commandRecords = new List<int>(batch.Records.Count);
        var commands = new List<NpgsqlBatchCommand>(batch.Records.Count);
        for (var i = 0; i < results.Length; i++)
        {
            var (command, warning, error) = statements.Create(batch.Records[i]);
            if (command is null)
            {
                results[i] = new RecordResult(RecordOutcome.Failed, error);
                continue;
            }

            warnings[i] = warning;
            commandRecords.Add(i);
            commands.Add(command);
        }

        if (commands.Count == 0)
        {
            return results;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var npgsqlBatch = new NpgsqlBatch(connection, transaction);
        await using var npgsqlBatchScope = npgsqlBatch.ConfigureAwait(false);
        foreach (var command in commands)
        {
            npgsqlBatch.BatchCommands.Add(command);
        }

        try
        {
            var reader = await npgsqlBatch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                foreach (var index in commandRecords)
                {
                    var hasRow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    results[index] = ToResult(batch.Records[index].Operation, hasRow, hasRow && reader.GetBoolean(0), warnings[index]);
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw RollBack(batch, exception, npgsqlBatch, commandRecords);
        }

        // The session is idle inside its transaction from here, so a pause after this check ends the session before
        // the commit. An exception from the check disposes the transaction, which rolls the batch back.
        if (batch.BeforeCommit is { } beforeCommit)
        {
            await beforeCommit(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            // A commit interrupted by cancellation may still have taken effect, so once it is sent it runs to the end.
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw RollBack(batch, exception, npgsqlBatch, commandRecords);
        }

        Log.BatchWritten(logger, batch.ObjectId, batch.Records.Count);
        return results;
    }

    public async Task<IReadOnlyList<bool>> ContainsAsync(
        string objectId, string identityField, IReadOnlyList<object> identities, CancellationToken cancellationToken)
    {
        if (identities.Count == 0)
        {
            return [];
        }

        var table = await FindTableAsync(objectId, useCache: true, cancellationToken).ConfigureAwait(false)
            ?? throw new ConnectorException(
                $"table {objectId} does not exist; create it or pick another target object, named schema.table.");
        var identity = PostgreSqlStatements.FindIdentity(table, identityField);

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            return await PostgreSqlIdentityLookup.ContainsAsync(connection, table, identity, identities, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, $"looking up {identities.Count} records in {objectId} failed");
        }
    }

    public async Task<IReadOnlyList<string>> ListCreationValuesAsync(string propertyId, CancellationToken cancellationToken)
    {
        if (propertyId != PostgreSqlTableCreation.SchemaProperty)
        {
            throw new NotSupportedException($"PostgreSQL tables have no enum creation property {propertyId}");
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            return await PostgreSqlTableCreation.ListSchemasAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, "listing the schemas that accept new tables failed");
        }
    }

    public string ToNewObjectId(string name, IReadOnlyDictionary<string, string> properties) =>
        PostgreSqlTableCreation.ToObjectId(name, properties);

    public string? CheckNewName(string name, bool isTable) => PostgreSqlTableCreation.CheckName(name);

    public async Task<string?> CheckColumnTypeAsync(string typeName, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            return await PostgreSqlTableCreation.CheckTypeAsync(connection, typeName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, $"checking column type {typeName} failed");
        }
    }

    public async Task<TargetObjectInfo> CreateObjectAsync(NewTargetObject newObject, CancellationToken cancellationToken)
    {
        var objectId = ToNewObjectId(newObject.Name, newObject.Properties);
        var (schema, _) = PostgreSqlIdentifiers.SplitObjectId(objectId);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await PostgreSqlTableCreation.CreateAsync(connection, schema, newObject, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
            {
                throw PostgreSqlErrors.Wrap(exception, $"creating table {objectId} failed");
            }
        }

        Log.TableCreated(logger, objectId, newObject.Columns.Count);
        var table = await FindTableAsync(objectId, useCache: false, cancellationToken).ConfigureAwait(false)
            ?? throw new ConnectorException($"table {objectId} was created but could not be read back; check that the login may read it");
        return table.ToObjectInfo();
    }

    public async Task DropObjectAsync(string objectId, CancellationToken cancellationToken)
    {
        var (schema, table) = PostgreSqlIdentifiers.SplitObjectId(objectId);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            await PostgreSqlTableCreation.DropAsync(connection, schema, table, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, $"dropping table {objectId} failed");
        }

        _tables.TryRemove(objectId, out _);
        Log.TableDropped(logger, objectId);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Turns a statement's returned row into the record's outcome; the warning stays only when values were written.</summary>
    private static RecordResult ToResult(RecordOperation operation, bool hasRow, bool inserted, string? warning) =>
        operation switch
        {
            RecordOperation.Append => new RecordResult(RecordOutcome.Inserted, Warning: warning),
            RecordOperation.Upsert => new RecordResult(inserted ? RecordOutcome.Inserted : RecordOutcome.Updated, Warning: warning),
            RecordOperation.Insert => hasRow ? new RecordResult(RecordOutcome.Inserted, Warning: warning) : new RecordResult(RecordOutcome.Skipped),
            RecordOperation.Update => hasRow ? new RecordResult(RecordOutcome.Updated, Warning: warning) : new RecordResult(RecordOutcome.NotFound),
            RecordOperation.Delete => new RecordResult(hasRow ? RecordOutcome.Deleted : RecordOutcome.NotFound),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown record operation"),
        };

    /// <summary>Logs a batch that failed and was rolled back, and wraps its failure with the failing record's position.</summary>
    private ConnectorException RollBack(WriteBatch batch, Exception exception, NpgsqlBatch npgsqlBatch, List<int> commandRecords)
    {
        var failed = exception is NpgsqlException { BatchCommand: { } command } ? npgsqlBatch.BatchCommands.IndexOf(command) : -1;
        var position = failed >= 0 ? $" at record {commandRecords[failed] + 1}" : "";
        Log.BatchRolledBack(logger, batch.ObjectId, batch.Records.Count, (exception as PostgresException)?.SqlState);
        return PostgreSqlErrors.Wrap(
            exception, batch.Records.Count == 1
                ? $"writing 1 record to {batch.ObjectId} failed"
                : $"writing {batch.Records.Count} records to {batch.ObjectId} failed{position}, and none of them were written");
    }

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
