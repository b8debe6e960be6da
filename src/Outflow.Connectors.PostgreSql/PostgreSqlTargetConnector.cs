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
    private const string ProbeSavepoint = "outflow_probe";

    // How many times, and how far apart, a commit's outcome is queried while its transaction is still in progress.
    private const int StatusAttempts = 20;
    private static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(100);

    // Whether the server has txid_current() and txid_status(), as PostgreSQL has since version 10, or null until a
    // write's check succeeds or finds a function missing. A server that speaks PostgreSQL's protocol may lack them.
    private bool? _hasTransactionStatus;

    private readonly ConcurrentDictionary<string, PostgreSqlTable> _tables = new(StringComparer.Ordinal);

    // Tables where a COPY of new records failed, which later batches then write with statements only.
    private readonly ConcurrentDictionary<string, bool> _copyRejected = new(StringComparer.Ordinal);

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

        // A record with a value its column would change fails alone, and the others are staged and written together.
        var results = new RecordResult[batch.Records.Count];
        var warnings = new string?[batch.Records.Count];
        var ordinals = new List<int>(batch.Records.Count);
        var rows = new List<object?[]>(batch.Records.Count);
        for (var i = 0; i < results.Length; i++)
        {
            var (values, warning, error) = statements.Convert(batch.Records[i]);
            if (values is null)
            {
                results[i] = new RecordResult(RecordOutcome.Failed, error);
                continue;
            }

            warnings[i] = warning;
            ordinals.Add(i);
            rows.Add(values);
        }

        if (ordinals.Count == 0)
        {
            return results;
        }

        await CheckTransactionStatusAsync(cancellationToken).ConfigureAwait(false);
        if (CanCopyNew(batch, statements, ordinals)
            && await TryCopyNewAsync(batch, statements, rows, cancellationToken).ConfigureAwait(false))
        {
            foreach (var i in ordinals)
            {
                results[i] = new RecordResult(RecordOutcome.Inserted, Warning: warnings[i]);
            }

            Log.BatchWritten(logger, batch.ObjectId, batch.Records.Count);
            return results;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var runs = ToRuns(batch, ordinals);
        var returned = new bool?[batch.Records.Count];
        try
        {
            await PostgreSqlStage.FillAsync(connection, ordinals, rows, statements.StageColumnCount, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw RollBack(batch, exception, failedRecord: null);
        }

        PostgresException? recordFailure = null;
        try
        {
            await ExecuteAsync(connection, transaction, statements, runs, returned, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsRecordFailure(exception) && ordinals.Count > 1)
        {
            recordFailure = exception;
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            var failedRecord = exception is PostgresException && !PostgreSqlErrors.IsTransient(exception) && ordinals.Count > 1
                ? await FindFailedRecordAsync(transaction, statements, runs, rows, ordinals, cancellationToken).ConfigureAwait(false)
                : null;
            throw RollBack(batch, exception, failedRecord);
        }

        if (recordFailure is null)
        {
            return await FinishAsync(batch, transaction, ordinals, returned, warnings, results, cancellationToken).ConfigureAwait(false);
        }

        // A bad value or a broken constraint concerns single records, so the batch is written again without them in
        // one transaction. Failing it whole would make the engine split it into many writes.
        NpgsqlTransaction isolated;
        try
        {
            isolated = await WriteAroundFailuresAsync(batch, transaction, statements, runs, rows, ordinals, returned, results, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw RollBack(batch, exception, failedRecord: null);
        }

        await using var isolatedScope = isolated.ConfigureAwait(false);
        var failed = ordinals.RemoveAll(i => results[i]?.Outcome == RecordOutcome.Failed);
        Log.RecordsIsolated(logger, batch.ObjectId, failed, batch.Records.Count, recordFailure.SqlState);
        return await FinishAsync(batch, isolated, ordinals, returned, warnings, results, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Turns the flags the statements returned into the results of the written records (<paramref name="ordinals"/>),
    /// and commits.
    /// </summary>
    private async Task<IReadOnlyList<RecordResult>> FinishAsync(
        WriteBatch batch,
        NpgsqlTransaction transaction,
        List<int> ordinals,
        bool?[] returned,
        string?[] warnings,
        RecordResult[] results,
        CancellationToken cancellationToken)
    {
        foreach (var i in ordinals)
        {
            var operation = batch.Records[i].Operation;
            if (operation == RecordOperation.Update && returned[i] == false)
            {
                // The transaction is disposed without a commit, which rolls the batch back.
                Log.BatchRolledBack(logger, batch.ObjectId, batch.Records.Count, "none");
                throw new ConnectorException(
                    $"writing {batch.Records.Count} records to {batch.ObjectId} failed, and none of them were written: two of its " +
                    $"update records have the same value of identity field {batch.IdentityField} after the cast to the column's " +
                    "type, so one statement cannot apply both; write them in separate batches.");
            }

            results[i] = ToResult(operation, returned[i] is not null, returned[i] == true, warnings[i]);
        }

        await CommitAsync(batch, transaction, cancellationToken).ConfigureAwait(false);
        Log.BatchWritten(logger, batch.ObjectId, batch.Records.Count);
        return results;
    }

    private bool CanCopyNew(WriteBatch batch, PostgreSqlStatements statements, List<int> ordinals) =>
        batch.RecordsAreNew
        && statements.CopyNewSql is not null
        && !_copyRejected.ContainsKey(batch.ObjectId)
        && ordinals.TrueForAll(i => batch.Records[i].Operation is RecordOperation.Upsert or RecordOperation.Insert);

    /// <summary>
    /// Inserts the converted records with one COPY and commits, which is much faster than staging them and running
    /// the statements. Returns false, with nothing written, when the server rejects the COPY: a record's identity is
    /// already in the table, or a value or constraint fails. The statements then write the batch, and isolate the
    /// record that fails, and later batches to the table use them only.
    /// </summary>
    private async Task<bool> TryCopyNewAsync(
        WriteBatch batch, PostgreSqlStatements statements, List<object?[]> rows, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        try
        {
            await PostgreSqlCopyText.CopyAsync(connection, statements.CopyNewSql!, rows, statements.CopyNewFirstValue, null, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (PostgresException exception) when (!PostgreSqlErrors.IsTransient(exception))
        {
            Log.CopyRejected(logger, batch.ObjectId, batch.Records.Count, exception.SqlState);
            _copyRejected[batch.ObjectId] = true;
            return false;
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw RollBack(batch, exception, failedRecord: null);
        }

        await CommitAsync(batch, transaction, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task CommitAsync(WriteBatch batch, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // The transaction's id lets a new session learn the outcome of a commit whose reply never arrived.
        long? transactionId = null;
        if (_hasTransactionStatus == true)
        {
            try
            {
                var command = new NpgsqlCommand("SELECT txid_current()", transaction.Connection, transaction);
                await using var commandScope = command.ConfigureAwait(false);
                transactionId = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
            catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
            {
                throw RollBack(batch, exception, failedRecord: null);
            }
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
            // An error that the server sent in reply to the commit rolled the batch back, but a session that ended or
            // broke during the commit leaves its outcome unknown until a new session queries the transaction's status.
            if (exception is PostgresException && !PostgreSqlErrors.EndedSession(exception))
            {
                throw RollBack(batch, exception, failedRecord: null);
            }

            if (transactionId is { } id)
            {
                var status = await ReadTransactionStatusAsync(id).ConfigureAwait(false);
                if (status == "aborted")
                {
                    throw RollBack(batch, exception, failedRecord: null);
                }

                if (status == "committed")
                {
                    DiscardIdleIfEnded(exception);
                    Log.CommitConfirmed(logger, batch.ObjectId, batch.Records.Count, id);
                    return;
                }
            }

            DiscardIdleIfEnded(exception);

            // NOTE: when the server cannot be reached yet, as during a restart, the engine's retry counts the batch as
            // the first write of its records, right only when the target lacked them before this batch.
            var message = $"committing {batch.Records.Count} records to {batch.ObjectId} failed, and they may have been written: " +
                PostgreSqlErrors.Describe(exception);
            throw new ConnectorException(message, PostgreSqlErrors.IsTransient(exception), exception) { MayHaveCommitted = true };
        }
    }

    /// <summary>
    /// Checks once whether the server can report a transaction's status. A server without the functions writes as
    /// before, and a commit whose reply is lost is reported as one that may have taken effect. Any other failure of
    /// the check leaves the question open, and the next write checks again.
    /// </summary>
    private async Task CheckTransactionStatusAsync(CancellationToken cancellationToken)
    {
        if (_hasTransactionStatus is not null)
        {
            return;
        }

        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var command = new NpgsqlCommand("SELECT txid_status(txid_current())", connection);
            await using var commandScope = command.ConfigureAwait(false);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            _hasTransactionStatus = true;
        }
        catch (PostgresException exception)
            when (exception.SqlState is PostgresErrorCodes.UndefinedFunction or PostgresErrorCodes.FeatureNotSupported)
        {
            _hasTransactionStatus = false;
            Log.TransactionStatusUnsupported(logger, exception.SqlState);
        }
        catch (ConnectorException)
        {
            // The server cannot be reached now, and the write that follows reports that.
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            // A session the server ended, or a standby still in recovery: the write meets the same state and reports it.
            DiscardIdleIfEnded(exception);
        }
    }

    /// <summary>
    /// Queries a transaction's status (<c>txid_status</c>) on a new session: "committed" or "aborted", or null when the
    /// query fails (the server cannot be reached, or ended that session too) or the server no longer keeps the status.
    /// A transaction whose session just broke can still be in progress while the server ends it, so that status is
    /// queried again, for up to two seconds, and is null after that.
    /// </summary>
    private async Task<string?> ReadTransactionStatusAsync(long transactionId)
    {
        // The query opens a session outside the pool, because the pool's idle sessions may have broken with the one
        // that committed.
        var unpooled = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString;
        for (var attempt = 1; attempt <= StatusAttempts; attempt++)
        {
            string? status;
            try
            {
                var connection = await PostgreSqlConnections.OpenAsync(settings, unpooled, CancellationToken.None).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                var command = new NpgsqlCommand("SELECT txid_status(@id)", connection);
                await using var commandScope = command.ConfigureAwait(false);
                command.Parameters.AddWithValue("id", transactionId);
                status = await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false) as string;
            }
            catch (Exception exception) when (exception is ConnectorException || PostgreSqlErrors.IsDatabaseFailure(exception))
            {
                // A ConnectorException here is a failed connect, which OpenAsync wraps.
                Log.TransactionStatusUnknown(logger, transactionId, exception);
                return null;
            }

            if (status != "in progress")
            {
                return status;
            }

            await Task.Delay(StatusInterval).ConfigureAwait(false);
        }

        return null;
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

    /// <summary>
    /// Splits the staged records into runs of consecutive records with one operation. Each run is one statement, and
    /// the statements run in record order, so each statement reads what the statements of earlier runs wrote.
    /// </summary>
    private static List<StatementRun> ToRuns(WriteBatch batch, List<int> ordinals)
    {
        var runs = new List<StatementRun>();
        foreach (var ordinal in ordinals)
        {
            var operation = batch.Records[ordinal].Operation;
            if (runs.Count > 0 && runs[^1].Operation == operation)
            {
                runs[^1] = runs[^1] with { Last = ordinal };
            }
            else
            {
                runs.Add(new StatementRun(operation, ordinal, ordinal));
            }
        }

        return runs;
    }

    /// <summary>
    /// Runs the statements of <paramref name="runs"/> on the staged records with ordinals from
    /// <paramref name="firstOrdinal"/> to <paramref name="lastOrdinal"/>, in one round trip, and stores each returned
    /// row's flag by its ordinal.
    /// </summary>
    private static async Task ExecuteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        PostgreSqlStatements statements,
        List<StatementRun> runs,
        bool?[] returned,
        CancellationToken cancellationToken,
        int firstOrdinal = 0,
        int lastOrdinal = int.MaxValue)
    {
        var npgsqlBatch = new NpgsqlBatch(connection, transaction);
        await using var npgsqlBatchScope = npgsqlBatch.ConfigureAwait(false);
        foreach (var run in runs.Where(r => r.First <= lastOrdinal && r.Last >= firstOrdinal))
        {
            var command = new NpgsqlBatchCommand(statements.Sql(run.Operation));
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(run.First, firstOrdinal) });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Min(run.Last, lastOrdinal) });
            npgsqlBatch.BatchCommands.Add(command);
        }

        var reader = await npgsqlBatch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                returned[reader.GetInt32(0)] = reader.GetBoolean(1);
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Rolls back <paramref name="failed"/>, stages the records again in a new transaction and runs the statements on
    /// ranges of them, each inside a savepoint. A range that succeeds stays and the next one is twice as long. A range
    /// that fails is rolled back and tried again at half its length, and a single record that fails gets its result
    /// in <paramref name="results"/>. Returns the new transaction, with every other record written and not committed.
    /// </summary>
    /// <remarks>
    /// NOTE: two update records whose identities become equal only after the cast fail their batch when one statement
    /// runs both, but both apply, the later last, when they fall in different ranges.
    /// </remarks>
    /// <exception cref="NpgsqlException">Staging failed, or a statement failed for a reason other than its records.</exception>
    private static async Task<NpgsqlTransaction> WriteAroundFailuresAsync(
        WriteBatch batch,
        NpgsqlTransaction failed,
        PostgreSqlStatements statements,
        List<StatementRun> runs,
        List<object?[]> rows,
        List<int> ordinals,
        bool?[] returned,
        RecordResult[] results,
        CancellationToken cancellationToken)
    {
        var connection = failed.Connection!;
        var transaction = await RestageAsync(failed, statements, rows, ordinals, cancellationToken).ConfigureAwait(false);
        try
        {
            // Without an index on the ordinal, each range would read every staged record.
            var index = new NpgsqlCommand($"CREATE INDEX ON {PostgreSqlStage.Name} (ordinal)", connection, transaction);
            await using (index.ConfigureAwait(false))
            {
                await index.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            Array.Clear(returned);
            var position = 0;
            var length = 1;
            while (position < ordinals.Count)
            {
                length = Math.Min(length, ordinals.Count - position);
                var first = ordinals[position];
                await transaction.SaveAsync(ProbeSavepoint, cancellationToken).ConfigureAwait(false);
                try
                {
                    await ExecuteAsync(
                        connection, transaction, statements, runs, returned, cancellationToken, first, ordinals[position + length - 1])
                        .ConfigureAwait(false);
                    await transaction.ReleaseAsync(ProbeSavepoint, cancellationToken).ConfigureAwait(false);
                    position += length;
                    length *= 2;
                }
                catch (PostgresException exception) when (IsRecordFailure(exception))
                {
                    await transaction.RollbackAsync(ProbeSavepoint, cancellationToken).ConfigureAwait(false);
                    for (var i = position; i < position + length; i++)
                    {
                        returned[ordinals[i]] = null;
                    }

                    if (length == 1)
                    {
                        var message = PostgreSqlErrors.Wrap(exception, $"writing 1 record to {batch.ObjectId} failed").Message;
                        results[first] = new RecordResult(RecordOutcome.Failed, message);
                        position++;
                    }
                    else
                    {
                        length /= 2;
                    }
                }
            }

            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Rolls back <paramref name="failed"/>, which an error aborted, and stages the records again in a new transaction on
    /// the same session, which it returns.
    /// </summary>
    private static async Task<NpgsqlTransaction> RestageAsync(
        NpgsqlTransaction failed,
        PostgreSqlStatements statements,
        List<object?[]> rows,
        List<int> ordinals,
        CancellationToken cancellationToken)
    {
        var connection = failed.Connection!;
        await failed.RollbackAsync(cancellationToken).ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PostgreSqlStage.FillAsync(connection, ordinals, rows, statements.StageColumnCount, cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Returns whether a statement failed because of the values of its records: a data exception (SQLSTATE class 22),
    /// such as text that is not a number, or an integrity constraint violation (class 23).
    /// </summary>
    private static bool IsRecordFailure(PostgresException exception) =>
        !PostgreSqlErrors.IsTransient(exception) && exception.SqlState is ['2', '2' or '3', _, _, _];

    /// <summary>
    /// Finds the first staged record whose statement fails when the statements run on the records up to it. The
    /// failed transaction is rolled back and the records are staged again in a new one. Prefixes of 1, 2, 4, … records
    /// run until one fails, and a binary search between the last two finds the shortest failing prefix. Each probe runs
    /// inside a savepoint that is rolled back after it. Returns the record's index in the batch, or null when no prefix
    /// fails again or a probe fails for another reason.
    /// </summary>
    private static async Task<int?> FindFailedRecordAsync(
        NpgsqlTransaction failed,
        PostgreSqlStatements statements,
        List<StatementRun> runs,
        List<object?[]> rows,
        List<int> ordinals,
        CancellationToken cancellationToken)
    {
        var connection = failed.Connection!;
        var returned = new bool?[ordinals[^1] + 1];
        try
        {
            var transaction = await RestageAsync(failed, statements, rows, ordinals, cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);

            // The prefix of the first `succeeded` staged records succeeds, and the prefix of the first `failing` fails.
            // Starting short keeps the search cheap when the failing record is early, as it is when every record fails.
            var succeeded = 0;
            var failing = 0;
            for (var length = 1; failing == 0; length = Math.Min(length * 2, ordinals.Count))
            {
                if (await FailsAsync(length).ConfigureAwait(false))
                {
                    failing = length;
                }
                else if (length == ordinals.Count)
                {
                    return null;
                }
                else
                {
                    succeeded = length;
                }
            }

            while (succeeded + 1 < failing)
            {
                var length = (succeeded + failing) / 2;
                if (await FailsAsync(length).ConfigureAwait(false))
                {
                    failing = length;
                }
                else
                {
                    succeeded = length;
                }
            }

            return ordinals[failing - 1];

            async Task<bool> FailsAsync(int length)
            {
                await transaction.SaveAsync(ProbeSavepoint, cancellationToken).ConfigureAwait(false);
                var fails = false;
                try
                {
                    await ExecuteAsync(connection, transaction, statements, runs, returned, cancellationToken, lastOrdinal: ordinals[length - 1])
                        .ConfigureAwait(false);
                }
                catch (PostgresException exception) when (!PostgreSqlErrors.IsTransient(exception))
                {
                    fails = true;
                }

                await transaction.RollbackAsync(ProbeSavepoint, cancellationToken).ConfigureAwait(false);
                return fails;
            }
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            return null;
        }
    }

    /// <summary>Logs a batch that failed and was rolled back, and wraps its failure with the failing record's position.</summary>
    private ConnectorException RollBack(WriteBatch batch, Exception exception, int? failedRecord)
    {
        var position = failedRecord is { } index ? $" at record {index + 1}" : "";
        Log.BatchRolledBack(logger, batch.ObjectId, batch.Records.Count, (exception as PostgresException)?.SqlState ?? "none");
        DiscardIdleIfEnded(exception);
        return PostgreSqlErrors.Wrap(
            exception, batch.Records.Count == 1
                ? $"writing 1 record to {batch.ObjectId} failed"
                : $"writing {batch.Records.Count} records to {batch.ObjectId} failed{position}, and none of them were written");
    }

    private Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        PostgreSqlConnections.OpenAsync(settings, _connectionString, cancellationToken);

    private bool DiscardIdleIfEnded(Exception exception) => PostgreSqlConnections.DiscardIdleIfEnded(_connectionString, exception);

    private async Task<PostgreSqlTable?> FindTableAsync(string objectId, bool useCache, CancellationToken cancellationToken)
    {
        if (useCache && _tables.TryGetValue(objectId, out var cached))
        {
            return cached;
        }

        IReadOnlyList<PostgreSqlTable> tables;
        for (var attempt = 1; ; attempt++)
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            try
            {
                tables = await PostgreSqlCatalog.ReadTablesAsync(connection, PostgreSqlIdentifiers.SplitObjectId(objectId), cancellationToken)
                    .ConfigureAwait(false);
                break;
            }
            catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
            {
                // The describe is the first command of each execution, so it meets the pooled sessions that the server
                // ended while they were idle. With those discarded, one more attempt runs on a new session.
                if (DiscardIdleIfEnded(exception) && attempt == 1)
                {
                    continue;
                }

                throw PostgreSqlErrors.Wrap(exception, $"describing table {objectId} failed");
            }
        }

        if (tables.Count == 0)
        {
            return null;
        }

        _tables[objectId] = tables[0];
        return tables[0];
    }

    /// <summary>Consecutive staged records with one operation, from ordinal <see cref="First"/> to <see cref="Last"/>.</summary>
    private readonly record struct StatementRun(RecordOperation Operation, int First, int Last);
}
