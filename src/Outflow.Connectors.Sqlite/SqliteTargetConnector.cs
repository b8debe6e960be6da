using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Sqlite;

/// <summary>Writes batches to SQLite tables, one transaction per batch.</summary>
internal sealed class SqliteTargetConnector(SqliteSettings settings, ILogger logger) : ITargetConnector
{
    private readonly ConcurrentDictionary<string, SqliteTable> _tables = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            var tables = await SqliteCatalog.ReadTablesAsync(connection, null, cancellationToken).ConfigureAwait(false);
            return tables.Select(t => t.ToObjectInfo()).ToList();
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Wrap(exception, "listing tables failed");
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
            ?? throw new ConnectorException($"table {batch.ObjectId} does not exist; create it or pick another target object.");

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var results = new RecordResult[batch.Records.Count];
        var position = 0;
        try
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var statements = new SqliteStatements(connection, transaction, table, batch);
            await using (statements.ConfigureAwait(false))
            {
                for (; position < results.Length; position++)
                {
                    results[position] = await statements.WriteAsync(batch.Records[position], cancellationToken).ConfigureAwait(false);
                }
            }

            // A commit interrupted by cancellation may still have taken effect, so once it is sent it runs to the end.
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            Log.BatchRolledBack(logger, batch.ObjectId, batch.Records.Count, exception.SqliteErrorCode);
            var at = position < results.Length ? $" at record {position + 1}" : "";
            throw SqliteErrors.Wrap(
                exception, batch.Records.Count == 1
                    ? $"writing 1 record to {batch.ObjectId} failed"
                    : $"writing {batch.Records.Count} records to {batch.ObjectId} failed{at}, and none of them were written");
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
            ?? throw new ConnectorException($"table {objectId} does not exist; create it or pick another target object.");

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            // A deferred transaction takes only a read lock, so every value is looked up in the same snapshot.
            var transaction = connection.BeginTransaction(deferred: true);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var statements = new SqliteStatements(connection, transaction, table, new WriteBatch(objectId, identityField, [], []));
            await using var statementsScope = statements.ConfigureAwait(false);
            var found = new bool[identities.Count];
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = await statements.ExistsAsync(identities[i], cancellationToken).ConfigureAwait(false);
            }

            return found;
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Wrap(exception, $"looking up {identities.Count} records in {objectId} failed");
        }
    }

    public Task<IReadOnlyList<string>> ListCreationValuesAsync(string propertyId, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"SQLite tables have no creation property {propertyId}");

    public string ToNewObjectId(string name, IReadOnlyDictionary<string, string> properties) => name;

    public string? CheckNewName(string name, bool isTable) => SqliteTableCreation.CheckName(name, isTable);

    public Task<string?> CheckColumnTypeAsync(string typeName, CancellationToken cancellationToken) =>
        Task.FromResult(SqliteTableCreation.CheckType(typeName));

    public async Task<TargetObjectInfo> CreateObjectAsync(NewTargetObject newObject, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await SqliteTableCreation.CreateAsync(connection, newObject, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException exception)
            {
                throw SqliteErrors.Wrap(exception, $"creating table {newObject.Name} failed");
            }
        }

        Log.TableCreated(logger, newObject.Name, newObject.Columns.Count);
        var table = await FindTableAsync(newObject.Name, useCache: false, cancellationToken).ConfigureAwait(false)
            ?? throw new ConnectorException($"table {newObject.Name} was created but could not be read back");
        return table.ToObjectInfo();
    }

    public async Task DropObjectAsync(string objectId, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            await SqliteTableCreation.DropAsync(connection, objectId, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Wrap(exception, $"dropping table {objectId} failed");
        }

        _tables.TryRemove(objectId, out _);
        Log.TableDropped(logger, objectId);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(settings, readOnly: false, cancellationToken);

    private async Task<SqliteTable?> FindTableAsync(string objectId, bool useCache, CancellationToken cancellationToken)
    {
        if (useCache && _tables.TryGetValue(objectId, out var cached))
        {
            return cached;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        IReadOnlyList<SqliteTable> tables;
        try
        {
            tables = await SqliteCatalog.ReadTablesAsync(connection, objectId, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Wrap(exception, $"describing table {objectId} failed");
        }

        if (tables.Count == 0)
        {
            return null;
        }

        _tables[objectId] = tables[0];
        return tables[0];
    }
}
