using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Outflow.Core.Executions;

namespace Outflow.Store;

/// <summary>
/// Change-detection state on plain ADO.NET commands, because the engine calls it for every batch and
/// Dapper's per-call reflection and list expansion would dominate the cost.
/// </summary>
internal sealed class SyncStateStore : ISyncStateStore
{
    /// <summary>Identity hashes per lookup statement, well under SQLite's default limit of 32,766 parameters (since 3.32).</summary>
    private const int LookupChunkSize = 500;

    private readonly IStoreDatabase _database;

    public SyncStateStore(IStoreDatabase database)
    {
        _database = database;
    }

    public async Task<IReadOnlyDictionary<UInt128, UInt128>> LookupAsync(
        Guid syncId, IReadOnlyCollection<UInt128> identityHashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityHashes);
        var found = new Dictionary<UInt128, UInt128>();
        if (identityHashes.Count == 0)
        {
            return found;
        }

        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in identityHashes.Chunk(LookupChunkSize))
        {
            using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT identity_hash, row_hash FROM sync_state WHERE sync_id = @sync_id AND identity_hash IN (");
            AddParameter(command, "@sync_id", StoreValues.ToText(syncId));
            for (var i = 0; i < chunk.Length; i++)
            {
                var name = "@h" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? name : ", " + name);
                AddParameter(command, name, StoreValues.ToBytes(chunk[i]));
            }

            command.CommandText = sql.Append(')').ToString();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[StoreValues.ToHash((byte[])reader.GetValue(0))] = StoreValues.ToHash((byte[])reader.GetValue(1));
            }
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
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT identity_hash, identity, row_hash FROM sync_state WHERE sync_id = @sync_id ORDER BY identity_hash";
        AddParameter(command, "@sync_id", StoreValues.ToText(syncId));
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new StateEntry(
                StoreValues.ToHash((byte[])reader.GetValue(0)),
                reader.GetString(1),
                StoreValues.ToHash((byte[])reader.GetValue(2)));
        }
    }

    /// <summary>
    /// Applies the state changes and adds the counts in one write transaction: either both are stored or
    /// neither is, so state never runs ahead of the counts the execution reports.
    /// </summary>
    public async Task CheckpointAsync(
        Guid syncId, Guid executionId, string? leaseToken, IReadOnlyList<StateChange> changes, ExecutionCounts countsDelta,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(countsDelta);
        var sync = StoreValues.ToText(syncId);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        await AddCountsAsync(connection, transaction, syncId, executionId, leaseToken, countsDelta, cancellationToken).ConfigureAwait(false);

        await ApplyChangesAsync(connection, transaction, sync, changes, cancellationToken).ConfigureAwait(false);

        using var landed = connection.CreateCommand();
        landed.Transaction = transaction;
        landed.CommandText = "DELETE FROM sync_state_in_flight WHERE execution_id = @execution_id";
        AddParameter(landed, "@execution_id", StoreValues.ToText(executionId));
        await landed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SetInFlightAsync(
        Guid syncId, Guid executionId, string? leaseToken, IReadOnlyList<StateEntry> identities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identities);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await AddCountsAsync(connection, transaction, syncId, executionId, leaseToken, ExecutionCounts.Zero, cancellationToken)
            .ConfigureAwait(false);

        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO sync_state_in_flight (execution_id, sync_id, identities) VALUES (@execution_id, @sync_id, @identities)
            ON CONFLICT (execution_id) DO UPDATE SET identities = excluded.identities
            """;
        AddParameter(upsert, "@execution_id", StoreValues.ToText(executionId));
        AddParameter(upsert, "@sync_id", StoreValues.ToText(syncId));
        AddParameter(upsert, "@identities", InFlightIdentities.Encode(identities));
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ResolveInFlightAsync(Guid syncId, CancellationToken cancellationToken)
    {
        var sync = StoreValues.ToText(syncId);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var changes = new List<StateChange>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT identities FROM sync_state_in_flight WHERE sync_id = @sync_id";
            AddParameter(select, "@sync_id", sync);
            using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in InFlightIdentities.Decode((byte[])reader.GetValue(0)))
                {
                    changes.Add(new StateChange(entry.IdentityHash, entry.Identity, StateChange.Unconfirmed));
                }
            }
        }

        if (changes.Count > 0)
        {
            await ApplyChangesAsync(connection, transaction, sync, changes, cancellationToken).ConfigureAwait(false);
        }

        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM sync_state_in_flight WHERE sync_id = @sync_id";
        AddParameter(delete, "@sync_id", sync);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changes.Count;
    }

    /// <summary>
    /// Adds the counts to the execution. The count update comes first in every write and carries the lease check, so a
    /// worker that lost its lease changes nothing, and its row lock makes a concurrent claim wait until the write commits.
    /// </summary>
    private static async Task AddCountsAsync(
        DbConnection connection, DbTransaction transaction, Guid syncId, Guid executionId, string? leaseToken,
        ExecutionCounts countsDelta, CancellationToken cancellationToken)
    {
        var sync = StoreValues.ToText(syncId);
        using var counts = connection.CreateCommand();
        counts.Transaction = transaction;

        // The count update comes first and carries the lease check, so a checkpoint of a worker that lost its lease
        // changes nothing, and its row lock makes a concurrent claim wait until this checkpoint commits.
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

    private static async Task ApplyChangesAsync(
        DbConnection connection, DbTransaction transaction, string sync, IReadOnlyList<StateChange> changes,
        CancellationToken cancellationToken)
    {
        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO sync_state (sync_id, identity_hash, identity, row_hash)
            VALUES (@sync_id, @identity_hash, @identity, @row_hash)
            ON CONFLICT (sync_id, identity_hash) DO UPDATE SET identity = excluded.identity, row_hash = excluded.row_hash
            """;
        AddParameter(upsert, "@sync_id", sync);
        var upsertIdentityHash = AddParameter(upsert, "@identity_hash", Array.Empty<byte>());
        var upsertIdentity = AddParameter(upsert, "@identity", "");
        var upsertRowHash = AddParameter(upsert, "@row_hash", Array.Empty<byte>());

        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM sync_state WHERE sync_id = @sync_id AND identity_hash = @identity_hash";
        AddParameter(delete, "@sync_id", sync);
        var deleteIdentityHash = AddParameter(delete, "@identity_hash", Array.Empty<byte>());

        foreach (var change in changes)
        {
            if (change.RowHash is UInt128 rowHash)
            {
                upsertIdentityHash.Value = StoreValues.ToBytes(change.IdentityHash);
                upsertIdentity.Value = change.Identity;
                upsertRowHash.Value = StoreValues.ToBytes(rowHash);
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                deleteIdentityHash.Value = StoreValues.ToBytes(change.IdentityHash);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
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
