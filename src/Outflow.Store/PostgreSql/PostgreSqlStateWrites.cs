using Npgsql;
using NpgsqlTypes;
using Outflow.Core.Executions;

namespace Outflow.Store.PostgreSql;

/// <summary>
/// Writes change-detection state to PostgreSQL with one statement that takes every row as arrays, so a checkpoint
/// costs one round trip for its state however many rows it changes.
/// </summary>
internal static class PostgreSqlStateWrites
{
    /// <summary>
    /// Upserts and deletes state and runs <paramref name="inFlightSql"/>, a write to <c>sync_state_in_flight_batches</c> that
    /// may use <c>@sync_id</c> and <paramref name="inFlightParameters"/>, whose names must not start with
    /// <c>upserted_</c> or <c>deleted_</c>, as one statement whose state writes are
    /// data-modifying CTEs. The server locks no row until it has received the whole statement, so a process paused
    /// while it sends these arrays holds no row lock that another worker needs. The identity hashes of
    /// <paramref name="upserts"/> and <paramref name="deletes"/> must all be distinct, because one statement cannot
    /// change a row twice (<c>ON CONFLICT DO UPDATE</c> fails then).
    /// </summary>
    public static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string syncId, List<StateChange> upserts,
        List<UInt128> deletes, string inFlightSql, IReadOnlyList<(string Name, object Value)> inFlightParameters,
        CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        command.Parameters.Add(new NpgsqlParameter<string>("sync_id", NpgsqlDbType.Text) { TypedValue = syncId });
        var writes = new List<string>(2);
        if (upserts.Count > 0)
        {
            writes.Add("""
                upserted AS (
                    INSERT INTO sync_state (sync_id, identity_hash, identity, row_hash)
                    SELECT @sync_id, change.identity_hash, change.identity, change.row_hash
                    FROM unnest(@upserted_hashes, @upserted_identities, @upserted_row_hashes) AS change (identity_hash, identity, row_hash)
                    ON CONFLICT (sync_id, identity_hash) DO UPDATE SET identity = excluded.identity, row_hash = excluded.row_hash)
                """);
            AddUpsertParameters(command, upserts);
        }

        if (deletes.Count > 0)
        {
            writes.Add("""
                deleted AS (
                    DELETE FROM sync_state WHERE sync_id = @sync_id AND identity_hash = ANY (@deleted_hashes))
                """);
            command.Parameters.Add(ByteaArray("deleted_hashes", ToBytes(deletes)));
        }

        // NOTE: Npgsql sends a statement in writes of its buffer (8 KB by default) and flushes before the Sync message
        // when fewer than its 5 bytes are left. A pause between those two writes leaves the server done with the
        // statement, holding its state row locks, and waiting for Sync. That window is a few bytes at a buffer boundary.
        command.CommandText = writes.Count == 0 ? inFlightSql : "WITH " + string.Join(",\n", writes) + "\n" + inFlightSql;
        foreach (var (name, value) in inFlightParameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value));
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the state entry of each of the identity hashes that has state to <paramref name="found"/>.</summary>
    public static async Task LookupAsync(
        NpgsqlConnection connection, string syncId, List<UInt128> identityHashes, Dictionary<UInt128, StateEntry> found,
        CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT identity_hash, row_hash, identity FROM sync_state WHERE sync_id = @sync_id AND identity_hash = ANY (@identity_hashes)",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string>("sync_id", NpgsqlDbType.Text) { TypedValue = syncId });
        command.Parameters.Add(ByteaArray("identity_hashes", ToBytes(identityHashes)));
        var buffer = new byte[StoreValues.HashLength];
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var identityHash = StoreValues.ReadHash(reader, 0, buffer);
            found[identityHash] = new StateEntry(identityHash, reader.GetString(2), StoreValues.ReadHash(reader, 1, buffer));
        }
    }

    private static void AddUpsertParameters(NpgsqlCommand command, List<StateChange> upserts)
    {
        var identityHashes = new byte[upserts.Count][];
        var identities = new string[upserts.Count];
        var rowHashes = new byte[upserts.Count][];
        for (var i = 0; i < upserts.Count; i++)
        {
            var change = upserts[i];
            identityHashes[i] = StoreValues.ToBytes(change.IdentityHash);
            identities[i] = change.Identity;
            rowHashes[i] = StoreValues.ToBytes(change.RowHash!.Value);
        }

        command.Parameters.Add(ByteaArray("upserted_hashes", identityHashes));
        command.Parameters.Add(new NpgsqlParameter<string[]>("upserted_identities", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = identities });
        command.Parameters.Add(ByteaArray("upserted_row_hashes", rowHashes));
    }

    private static NpgsqlParameter<byte[][]> ByteaArray(string name, byte[][] values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = values };

    private static byte[][] ToBytes(List<UInt128> hashes)
    {
        var bytes = new byte[hashes.Count][];
        for (var i = 0; i < hashes.Count; i++)
        {
            bytes[i] = StoreValues.ToBytes(hashes[i]);
        }

        return bytes;
    }
}
