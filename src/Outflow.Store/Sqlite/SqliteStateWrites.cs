using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Outflow.Core.Executions;

namespace Outflow.Store.Sqlite;

/// <summary>
/// Writes change-detection state to SQLite with multi-row statements, each prepared once per checkpoint and
/// executed for every full chunk. Microsoft.Data.Sqlite documents that its async methods execute synchronously,
/// so these methods are synchronous.
/// </summary>
internal static class SqliteStateWrites
{
    /// <summary>
    /// Rows per upsert statement, three parameters each. Checkpoints of 100,000 rows in batches of 10,000 on a
    /// shared 2-core machine ran faster with 20 or 40 rows than with 8 or 100, though the timings were noisy.
    /// </summary>
    public const int UpsertRowsPerStatement = 40;

    /// <summary>Identity hashes per delete or lookup statement.</summary>
    public const int HashesPerStatement = 200;

    private static readonly string[] IdentityHashNames = ParameterNames("@h", Math.Max(UpsertRowsPerStatement, HashesPerStatement));
    private static readonly string[] IdentityNames = ParameterNames("@i", UpsertRowsPerStatement);
    private static readonly string[] RowHashNames = ParameterNames("@r", UpsertRowsPerStatement);

    /// <summary>Inserts or replaces the state of each change. The identity hashes must be distinct.</summary>
    public static void Upsert(
        SqliteConnection connection, SqliteTransaction transaction, string syncId, List<StateChange> upserts,
        CancellationToken cancellationToken)
    {
        UpsertCommand? full = null;
        try
        {
            for (var offset = 0; offset < upserts.Count; offset += UpsertRowsPerStatement)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = Math.Min(UpsertRowsPerStatement, upserts.Count - offset);
                if (rows == UpsertRowsPerStatement)
                {
                    full ??= new UpsertCommand(connection, transaction, syncId, rows);
                    full.Execute(upserts, offset);
                }
                else
                {
                    using var last = new UpsertCommand(connection, transaction, syncId, rows);
                    last.Execute(upserts, offset);
                }
            }
        }
        finally
        {
            full?.Dispose();
        }
    }

    /// <summary>Deletes the state of the identity hashes.</summary>
    public static void Delete(
        SqliteConnection connection, SqliteTransaction transaction, string syncId, List<UInt128> identityHashes,
        CancellationToken cancellationToken)
    {
        HashListCommand? full = null;
        try
        {
            for (var offset = 0; offset < identityHashes.Count; offset += HashesPerStatement)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(HashesPerStatement, identityHashes.Count - offset);
                if (count == HashesPerStatement)
                {
                    full ??= HashListCommand.ForDelete(connection, transaction, syncId, count);
                    full.Bind(identityHashes, offset);
                    full.Command.ExecuteNonQuery();
                }
                else
                {
                    using var last = HashListCommand.ForDelete(connection, transaction, syncId, count);
                    last.Bind(identityHashes, offset);
                    last.Command.ExecuteNonQuery();
                }
            }
        }
        finally
        {
            full?.Dispose();
        }
    }

    /// <summary>Adds the state entry of each of the identity hashes that has state to <paramref name="found"/>.</summary>
    public static void Lookup(
        SqliteConnection connection, string syncId, List<UInt128> identityHashes, Dictionary<UInt128, StateEntry> found,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[StoreValues.HashLength];
        HashListCommand? full = null;
        try
        {
            for (var offset = 0; offset < identityHashes.Count; offset += HashesPerStatement)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(HashesPerStatement, identityHashes.Count - offset);
                if (count == HashesPerStatement)
                {
                    full ??= HashListCommand.ForLookup(connection, syncId, count);
                    full.Bind(identityHashes, offset);
                    ReadEntries(full.Command, buffer, found);
                }
                else
                {
                    using var last = HashListCommand.ForLookup(connection, syncId, count);
                    last.Bind(identityHashes, offset);
                    ReadEntries(last.Command, buffer, found);
                }
            }
        }
        finally
        {
            full?.Dispose();
        }
    }

    private static void ReadEntries(SqliteCommand command, byte[] buffer, Dictionary<UInt128, StateEntry> found)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var identityHash = StoreValues.ReadHash(reader, 0, buffer);
            found[identityHash] = new StateEntry(identityHash, reader.GetString(2), StoreValues.ReadHash(reader, 1, buffer));
        }
    }

    private static string[] ParameterNames(string prefix, int count)
    {
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = prefix + i.ToString(CultureInfo.InvariantCulture);
        }

        return names;
    }

    /// <summary>
    /// Adds a blob parameter whose value is a 16-byte array of its own, which <see cref="WriteHash"/> overwrites
    /// before each execution. Microsoft.Data.Sqlite binds parameter values when a command executes, so reusing
    /// the array does not change rows already written.
    /// </summary>
    private static byte[] AddHashParameter(SqliteCommand command, string name)
    {
        var bytes = new byte[StoreValues.HashLength];
        command.Parameters.Add(new SqliteParameter(name, SqliteType.Blob) { Value = bytes });
        return bytes;
    }

    private static void WriteHash(byte[] bytes, UInt128 hash) => BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);

    /// <summary>A multi-row upsert for a fixed number of rows, with parameters that are overwritten for each chunk.</summary>
    private sealed class UpsertCommand : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly byte[][] _identityHashes;
        private readonly SqliteParameter[] _identities;
        private readonly byte[][] _rowHashes;

        public UpsertCommand(SqliteConnection connection, SqliteTransaction transaction, string syncId, int rows)
        {
            var sql = new StringBuilder("INSERT INTO sync_state (sync_id, identity_hash, identity, row_hash) VALUES ");
            for (var i = 0; i < rows; i++)
            {
                sql.Append(i == 0 ? "(@sync_id, " : ", (@sync_id, ")
                    .Append(IdentityHashNames[i]).Append(", ")
                    .Append(IdentityNames[i]).Append(", ")
                    .Append(RowHashNames[i]).Append(')');
            }

            sql.Append(" ON CONFLICT (sync_id, identity_hash) DO UPDATE SET identity = excluded.identity, row_hash = excluded.row_hash");
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = sql.ToString();
            _command.Parameters.AddWithValue("@sync_id", syncId);
            _identityHashes = new byte[rows][];
            _identities = new SqliteParameter[rows];
            _rowHashes = new byte[rows][];
            for (var i = 0; i < rows; i++)
            {
                _identityHashes[i] = AddHashParameter(_command, IdentityHashNames[i]);
                _identities[i] = _command.Parameters.Add(IdentityNames[i], SqliteType.Text);
                _rowHashes[i] = AddHashParameter(_command, RowHashNames[i]);
            }
        }

        public void Execute(List<StateChange> upserts, int offset)
        {
            for (var i = 0; i < _identities.Length; i++)
            {
                var change = upserts[offset + i];
                WriteHash(_identityHashes[i], change.IdentityHash);
                _identities[i].Value = change.Identity;
                WriteHash(_rowHashes[i], change.RowHash!.Value);
            }

            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }

    /// <summary>A statement over a fixed number of identity hashes in an <c>IN (…)</c> list.</summary>
    private sealed class HashListCommand : IDisposable
    {
        private readonly byte[][] _identityHashes;

        private HashListCommand(SqliteCommand command, string sqlBeforeList, string syncId, int count)
        {
            var sql = new StringBuilder(sqlBeforeList);
            for (var i = 0; i < count; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append(IdentityHashNames[i]);
            }

            Command = command;
            Command.CommandText = sql.Append(')').ToString();
            Command.Parameters.AddWithValue("@sync_id", syncId);
            _identityHashes = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                _identityHashes[i] = AddHashParameter(Command, IdentityHashNames[i]);
            }
        }

        public SqliteCommand Command { get; }

        public static HashListCommand ForDelete(SqliteConnection connection, SqliteTransaction transaction, string syncId, int count)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            return new HashListCommand(
                command, "DELETE FROM sync_state WHERE sync_id = @sync_id AND identity_hash IN (", syncId, count);
        }

        public static HashListCommand ForLookup(SqliteConnection connection, string syncId, int count) => new(
            connection.CreateCommand(),
            "SELECT identity_hash, row_hash, identity FROM sync_state WHERE sync_id = @sync_id AND identity_hash IN (",
            syncId,
            count);

        public void Bind(List<UInt128> identityHashes, int offset)
        {
            for (var i = 0; i < _identityHashes.Length; i++)
            {
                WriteHash(_identityHashes[i], identityHashes[offset + i]);
            }
        }

        public void Dispose() => Command.Dispose();
    }
}
