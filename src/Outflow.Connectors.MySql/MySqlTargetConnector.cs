using System.Collections.Concurrent;
using System.Data;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>
/// Writes batches to MySQL or MariaDB tables, one transaction per batch, and creates tables for new syncs. The server
/// ends a session that stays idle inside its transaction for longer than <paramref name="idleTransactionTimeout"/>, so
/// the batch of a worker that stalled before its commit is rolled back (see <see cref="MySqlConnections.OpenForWritingAsync"/>).
/// </summary>
internal sealed class MySqlTargetConnector(MySqlSettings settings, TimeSpan idleTransactionTimeout, ILogger logger) : ITargetConnector
{
    private readonly string _connectionString = settings.ToConnectionString();
    private readonly ConcurrentDictionary<string, MySqlTable> _tables = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            var tables = await MySqlCatalog.ReadTablesAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
            return tables.Select(t => t.ToObjectInfo()).ToList();
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, "listing tables failed");
        }
    }

    public async Task<TargetObjectInfo?> DescribeObjectAsync(string objectId, CancellationToken cancellationToken)
    {
        var table = await FindTableAsync(objectId, useCache: false, cancellationToken).ConfigureAwait(false);
        return table?.ToObjectInfo();
    }

    public int PreferredBatchSize => 2_000;

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
        var checkingBeforeCommit = false;
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var statements = new MySqlStatements(connection, transaction, table, batch);
            await using (statements.ConfigureAwait(false))
            {
                for (; position < results.Length; position++)
                {
                    results[position] = await statements.WriteAsync(batch.Records[position], cancellationToken).ConfigureAwait(false);
                }
            }

            // The session is idle inside its transaction from here, so a pause after this check ends the session before
            // the commit. The check's exceptions are not failures of this target, so the filter below lets them through,
            // and disposing the transaction rolls the batch back.
            if (batch.BeforeCommit is { } beforeCommit)
            {
                checkingBeforeCommit = true;
                await beforeCommit(cancellationToken).ConfigureAwait(false);
                checkingBeforeCommit = false;
            }

            // A commit interrupted by cancellation may still have taken effect, so once it is sent it runs to the end.
            // NOTE: a connection lost during the commit is reported as a rollback, without MayHaveCommitted, so a
            // retry that finds the committed records counts them as updates.
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (!checkingBeforeCommit && MySqlErrors.IsDatabaseFailure(exception))
        {
            Log.BatchRolledBack(logger, batch.ObjectId, batch.Records.Count, (exception as MySqlException)?.Number ?? 0);
            var at = position < results.Length ? $" at record {position + 1}" : "";
            throw MySqlErrors.Wrap(
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
            // One transaction looks every value up. It is not read-only because the lookup shares the writes' SELECT … FOR
            // UPDATE, which a read-only transaction rejects; the row locks end with the transaction.
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var statements = new MySqlStatements(connection, transaction, table, new WriteBatch(objectId, identityField, [], []));
            await using var statementsScope = statements.ConfigureAwait(false);
            var found = new bool[identities.Count];
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = await statements.ExistsAsync(identities[i], cancellationToken).ConfigureAwait(false);
            }

            return found;
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, $"looking up {identities.Count} records in {objectId} failed");
        }
    }

    public async Task<IReadOnlyList<string>> ListCreationValuesAsync(string propertyId, CancellationToken cancellationToken)
    {
        if (propertyId != MySqlTableCreation.DatabaseProperty)
        {
            throw new NotSupportedException($"MySQL tables have no enum creation property {propertyId}");
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            return await MySqlTableCreation.ListDatabasesAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, "listing the databases that accept new tables failed");
        }
    }

    public string? GetCreationDefault(TargetCreationProperty property) =>
        property.Id == MySqlTableCreation.DatabaseProperty ? settings.Database : property.Default;

    public string ToNewObjectId(string name, IReadOnlyDictionary<string, string> properties) =>
        MySqlTableCreation.ToObjectId(name, properties, settings.Database);

    public string? CheckNewName(string name, bool isTable) => MySqlTableCreation.CheckName(name);

    // NOTE: MySQL and MariaDB also compare column names without accents ('e' equals 'é'), which this comparer does not.
    public StringComparer NewColumnNameComparer => StringComparer.OrdinalIgnoreCase;

    public async Task<string?> CheckColumnTypeAsync(string typeName, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            return await MySqlTableCreation.CheckTypeAsync(connection, typeName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, $"checking column type {typeName} failed");
        }
    }

    public async Task<TargetObjectInfo> CreateObjectAsync(NewTargetObject newObject, CancellationToken cancellationToken)
    {
        var objectId = ToNewObjectId(newObject.Name, newObject.Properties);
        var (database, _) = MySqlIdentifiers.SplitObjectId(objectId, settings.Database);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await MySqlTableCreation.CreateAsync(connection, database, newObject, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
            {
                throw MySqlErrors.Wrap(exception, $"creating table {objectId} failed");
            }
        }

        Log.TableCreated(logger, objectId, newObject.Columns.Count);
        var table = await FindTableAsync(objectId, useCache: false, cancellationToken).ConfigureAwait(false)
            ?? throw new ConnectorException($"table {objectId} was created but could not be read back; check that the login may read it");
        return table.ToObjectInfo();
    }

    public async Task DropObjectAsync(string objectId, CancellationToken cancellationToken)
    {
        var (database, table) = MySqlIdentifiers.SplitObjectId(objectId, settings.Database);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        try
        {
            await MySqlTableCreation.DropAsync(connection, database, table, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, $"dropping table {objectId} failed");
        }

        _tables.TryRemove(objectId, out _);
        Log.TableDropped(logger, objectId);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        MySqlConnections.OpenForWritingAsync(settings, _connectionString, idleTransactionTimeout, cancellationToken);

    private async Task<MySqlTable?> FindTableAsync(string objectId, bool useCache, CancellationToken cancellationToken)
    {
        if (useCache && _tables.TryGetValue(objectId, out var cached))
        {
            return cached;
        }

        var (database, name) = MySqlIdentifiers.SplitObjectId(objectId, settings.Database);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        IReadOnlyList<MySqlTable> tables;
        try
        {
            tables = await MySqlCatalog.ReadTablesAsync(connection, database, name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, $"describing table {objectId} failed");
        }

        if (tables.Count == 0)
        {
            return null;
        }

        _tables[objectId] = tables[0];
        return tables[0];
    }
}
