using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Npgsql;
using Outflow.Core.Diagnostics;
using Outflow.Core.Executions;
using Outflow.Store.PostgreSql;
using Outflow.Store.Sqlite;

namespace Outflow.Store;

/// <summary>
/// Change-detection state on plain ADO.NET commands, because the engine calls it for every batch and
/// Dapper's per-call reflection and list expansion would dominate the cost.
/// </summary>
internal sealed class SyncStateStore : ISyncStateStore
{
    private readonly IStoreDatabase _database;

    public SyncStateStore(IStoreDatabase database)
    {
        _database = database;
    }

    public async Task<IReadOnlyDictionary<UInt128, StateEntry>> LookupAsync(
        Guid syncId, IReadOnlyCollection<UInt128> identityHashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityHashes);
        var found = new Dictionary<UInt128, StateEntry>();
        if (identityHashes.Count == 0)
        {
            return found;
        }

        var sync = StoreValues.ToText(syncId);
        var requested = identityHashes.ToList();
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (connection is NpgsqlConnection postgres)
        {
            await PostgreSqlStateWrites.LookupAsync(postgres, sync, requested, found, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            SqliteStateWrites.Lookup((SqliteConnection)connection, sync, requested, found, cancellationToken);
        }

        return found;
    }

    /// <summary>
    /// Streams the sync's state on a connection of its own, row by row, so memory does not grow with the
    /// number of entries. The read sees the state as of its first row.
    /// </summary>
    public async IAsyncEnumerable<StateEntry> ReadAllAsync(
        Guid syncId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sync = StoreValues.ToText(syncId);
        if (connection is SqliteConnection sqlite)
        {
            using var entries = new SqliteStateReader(sqlite, sync, withIdentities: true);
            while (entries.Read(out var hashes))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new StateEntry(hashes.IdentityHash, entries.Identity, hashes.RowHash);
            }

            yield break;
        }

        using var command = CreateStateReadCommand(connection, sync, withIdentities: true);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[2 * StoreValues.HashLength];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (identityHash, rowHash) = StoreValues.ReadHashPair(reader, 0, buffer);
            yield return new StateEntry(identityHash, reader.GetString(1), rowHash);
        }
    }

    public async IAsyncEnumerable<StateHashes> ReadHashesAsync(
        Guid syncId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sync = StoreValues.ToText(syncId);
        if (connection is SqliteConnection sqlite)
        {
            using var entries = new SqliteStateReader(sqlite, sync, withIdentities: false);
            while (entries.Read(out var hashes))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return hashes;
            }

            yield break;
        }

        using var command = CreateStateReadCommand(connection, sync, withIdentities: false);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[2 * StoreValues.HashLength];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (identityHash, rowHash) = StoreValues.ReadHashPair(reader, 0, buffer);
            yield return new StateHashes(identityHash, rowHash);
        }
    }

    /// <summary>
    /// Creates the PostgreSQL read of a sync's state in identity hash order. Both hashes come as one 32-byte value,
    /// which halves the calls into the provider for them, and it is NULL when either hash is not 16 bytes long.
    /// </summary>
    private static DbCommand CreateStateReadCommand(DbConnection connection, string sync, bool withIdentities)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT CASE WHEN octet_length(identity_hash) = 16 AND octet_length(row_hash) = 16 THEN identity_hash || row_hash END
                {(withIdentities ? ", identity" : "")}
            FROM sync_state WHERE sync_id = @sync_id ORDER BY identity_hash
            """;
        AddParameter(command, "@sync_id", sync);
        return command;
    }

    /// <summary>
    /// Applies the state changes and adds the counts in one write transaction: either both are stored or
    /// neither is, so state never runs ahead of the counts the execution reports.
    /// </summary>
    public async Task CheckpointAsync(
        Guid syncId, Guid executionId, string? leaseToken, IReadOnlyList<StateChange> changes, ExecutionCounts countsDelta,
        CancellationToken cancellationToken, long? settledBatch = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(countsDelta);
        var sync = StoreValues.ToText(syncId);
        var execution = StoreValues.ToText(executionId);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        // Without a settled batch, every batch of the execution is removed: long.MaxValue is above every batch number.
        await WriteStateAsync(
            connection, transaction, sync, changes,
            "DELETE FROM sync_state_in_flight_batches WHERE execution_id = @execution_id AND batch <= @batch",
            [("@execution_id", execution), ("@batch", settledBatch ?? long.MaxValue)], cancellationToken).ConfigureAwait(false);

        await AddCountsAsync(connection, transaction, syncId, executionId, leaseToken, countsDelta, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reach(CrashPoints.CheckpointBeforeCommit);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SetInFlightAsync(
        Guid syncId, Guid executionId, string? leaseToken, long batch, IReadOnlyList<StateEntry> identities,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identities);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO sync_state_in_flight_batches (execution_id, batch, sync_id, identities)
                VALUES (@execution_id, @batch, @sync_id, @identities)
                ON CONFLICT (execution_id, batch) DO UPDATE SET identities = excluded.identities
                """;
            AddParameter(upsert, "@execution_id", StoreValues.ToText(executionId));
            AddParameter(upsert, "@batch", batch);
            AddParameter(upsert, "@sync_id", StoreValues.ToText(syncId));
            AddParameter(upsert, "@identities", InFlightIdentities.Encode(identities));
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await AddCountsAsync(connection, transaction, syncId, executionId, leaseToken, ExecutionCounts.Zero, cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ResolveInFlightAsync(Guid syncId, CancellationToken cancellationToken)
    {
        var sync = StoreValues.ToText(syncId);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var changes = new List<StateChange>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            // sync_state_in_flight contains the batches that processes of earlier versions recorded.
            select.CommandText = """
                SELECT identities FROM sync_state_in_flight WHERE sync_id = @sync_id
                UNION ALL
                SELECT identities FROM sync_state_in_flight_batches WHERE sync_id = @sync_id
                """;
            AddParameter(select, "@sync_id", sync);
            using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in InFlightIdentities.Decode((byte[])reader.GetValue(0)))
                {
                    changes.Add(new StateChange(entry.IdentityHash, entry.Identity, entry.RowHash));
                }
            }
        }

        using (var deleteEarlier = connection.CreateCommand())
        {
            deleteEarlier.Transaction = transaction;
            deleteEarlier.CommandText = "DELETE FROM sync_state_in_flight WHERE sync_id = @sync_id";
            AddParameter(deleteEarlier, "@sync_id", sync);
            await deleteEarlier.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await WriteStateAsync(
            connection, transaction, sync, changes, "DELETE FROM sync_state_in_flight_batches WHERE sync_id = @sync_id", [],
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changes.Count;
    }

    /// <summary>
    /// Adds the counts to the execution. The count update carries the lease check, so a worker that lost its lease
    /// changes nothing, and its row lock makes a concurrent claim wait until the write commits. It comes last in every
    /// write, right before the commit, because a worker paused while it sends a large statement keeps the locks it
    /// already holds on PostgreSQL until it resumes (see <see cref="PostgreSqlDatabase"/>). Sent before this update,
    /// the state's arrays can stall no claim.
    /// </summary>
    private static async Task AddCountsAsync(
        DbConnection connection, DbTransaction transaction, Guid syncId, Guid executionId, string? leaseToken,
        ExecutionCounts countsDelta, CancellationToken cancellationToken)
    {
        var sync = StoreValues.ToText(syncId);
        using var counts = connection.CreateCommand();
        counts.Transaction = transaction;

        counts.CommandText = """
            UPDATE executions
            SET count_total = count_total + @total, count_insert = count_insert + @insert,
                count_update = count_update + @update, count_upserts = count_upserts + @upserts,
                count_delete = count_delete + @delete, count_error = count_error + @error,
                count_warnings = count_warnings + @warnings
            WHERE id = @execution_id AND sync_id = @sync_id
            """ + (leaseToken is null ? "" : " AND lease_token = @lease_token");
        AddParameter(counts, "@total", countsDelta.Total);
        AddParameter(counts, "@insert", countsDelta.Insert);
        AddParameter(counts, "@update", countsDelta.Update);
        AddParameter(counts, "@upserts", countsDelta.Upserts);
        AddParameter(counts, "@delete", countsDelta.Delete);
        AddParameter(counts, "@error", countsDelta.Error);
        AddParameter(counts, "@warnings", countsDelta.Warnings);
        AddParameter(counts, "@execution_id", StoreValues.ToText(executionId));
        AddParameter(counts, "@sync_id", sync);
        if (leaseToken is not null)
        {
            AddParameter(counts, "@lease_token", leaseToken);
        }

        if (await counts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            if (leaseToken is not null)
            {
                throw new LeaseLostException(
                    $"Cannot checkpoint execution {executionId} of sync {syncId}: its lease token no longer matches, because "
                    + "another worker claimed the execution after the lease expired, or the execution or its sync was "
                    + "deleted. Nothing was stored.");
            }

            throw new InvalidOperationException(
                $"Cannot checkpoint execution {executionId} of sync {syncId}: the execution does not exist for that sync. "
                + "The sync may have been deleted while the execution ran. Nothing was stored.");
        }
    }

    /// <summary>
    /// Applies the state changes and runs <paramref name="inFlightSql"/>, the write to <c>sync_state_in_flight_batches</c> that
    /// goes with them, which may use <c>@sync_id</c> and <paramref name="inFlightParameters"/>. On PostgreSQL they are
    /// one statement, so a worker paused while it sends them holds none of their row locks.
    /// </summary>
    private static async Task WriteStateAsync(
        DbConnection connection, DbTransaction transaction, string sync, IReadOnlyList<StateChange> changes, string inFlightSql,
        IReadOnlyList<(string Name, object Value)> inFlightParameters, CancellationToken cancellationToken)
    {
        var (upserts, deletes) = CollapseChanges(changes);
        if (connection is NpgsqlConnection postgres)
        {
            await PostgreSqlStateWrites.WriteAsync(
                postgres, (NpgsqlTransaction)transaction, sync, upserts, deletes, inFlightSql, inFlightParameters, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        // The statements run in the transaction that the connection has open.
        var sqlite = (SqliteConnection)connection;
        SqliteStateWrites.Upsert(sqlite, sync, upserts, cancellationToken);
        SqliteStateWrites.Delete(sqlite, sync, deletes, cancellationToken);
        using var inFlight = connection.CreateCommand();
        inFlight.Transaction = transaction;
        inFlight.CommandText = inFlightSql;
        AddParameter(inFlight, "@sync_id", sync);
        foreach (var (name, value) in inFlightParameters)
        {
            AddParameter(inFlight, name, value);
        }

        await inFlight.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps the last change per identity hash, which is the state that applying the changes one by one in
    /// order would leave, and splits them into upserts and deletes sorted by identity hash. With distinct
    /// hashes the order between statements no longer matters, and sorted keys touch neighboring index pages.
    /// </summary>
    private static (List<StateChange> Upserts, List<UInt128> Deletes) CollapseChanges(IReadOnlyList<StateChange> changes)
    {
        var seen = new HashSet<UInt128>(changes.Count);
        var upserts = new List<StateChange>(changes.Count);
        var deletes = new List<UInt128>();
        for (var i = changes.Count - 1; i >= 0; i--)
        {
            var change = changes[i];
            if (!seen.Add(change.IdentityHash))
            {
                continue;
            }

            if (change.RowHash is null)
            {
                deletes.Add(change.IdentityHash);
            }
            else
            {
                upserts.Add(change);
            }
        }

        upserts.Sort(static (left, right) => left.IdentityHash.CompareTo(right.IdentityHash));
        deletes.Sort();
        return (upserts, deletes);
    }

    private static DbParameter AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
