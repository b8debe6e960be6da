using Npgsql;
using NpgsqlTypes;
using Outflow.Core.Executions;

namespace Outflow.Store.PostgreSql;

/// <summary>
/// Writes change-detection state to PostgreSQL with one statement per operation that takes every row as
/// arrays, so a checkpoint costs two round trips however many rows it changes.
/// </summary>
internal static class PostgreSqlStateWrites
{
    /// <summary>
    /// Inserts or replaces the state of each change. The identity hashes must be distinct, because
    /// <c>ON CONFLICT DO UPDATE</c> fails when one statement affects a row twice.
    /// </summary>
    public static async Task UpsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string syncId, List<StateChange> upserts,
        CancellationToken cancellationToken)
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

        using var command = new NpgsqlCommand(
            """
            INSERT INTO sync_state (sync_id, identity_hash, identity, row_hash)
            SELECT @sync_id, change.identity_hash, change.identity, change.row_hash
            FROM unnest(@identity_hashes, @identities, @row_hashes) AS change (identity_hash, identity, row_hash)
            ON CONFLICT (sync_id, identity_hash) DO UPDATE SET identity = excluded.identity, row_hash = excluded.row_hash
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("sync_id", NpgsqlDbType.Text) { TypedValue = syncId });
        command.Parameters.Add(ByteaArray("identity_hashes", identityHashes));
        command.Parameters.Add(new NpgsqlParameter<string[]>("identities", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = identities });
        command.Parameters.Add(ByteaArray("row_hashes", rowHashes));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the state of the identity hashes.</summary>
    public static async Task DeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string syncId, List<UInt128> identityHashes,
        CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "DELETE FROM sync_state WHERE sync_id = @sync_id AND identity_hash = ANY (@identity_hashes)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("sync_id", NpgsqlDbType.Text) { TypedValue = syncId });
        command.Parameters.Add(ByteaArray("identity_hashes", ToBytes(identityHashes)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the stored row hash of each of the identity hashes that has state to <paramref name="found"/>.</summary>
    public static async Task LookupAsync(
        NpgsqlConnection connection, string syncId, List<UInt128> identityHashes, Dictionary<UInt128, UInt128> found,
        CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT identity_hash, row_hash FROM sync_state WHERE sync_id = @sync_id AND identity_hash = ANY (@identity_hashes)",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string>("sync_id", NpgsqlDbType.Text) { TypedValue = syncId });
        command.Parameters.Add(ByteaArray("identity_hashes", ToBytes(identityHashes)));
        var buffer = new byte[StoreValues.HashLength];
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var identityHash = StoreValues.ReadHash(reader, 0, buffer);
            found[identityHash] = StoreValues.ReadHash(reader, 1, buffer);
        }
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
