using System.Data.Common;
using Dapper;

namespace Outflow.Store;

/// <summary>Statements shared by the stores that delete syncs.</summary>
internal static class SyncRows
{
    /// <summary>
    /// Deletes a sync with its change-detection state, executions, their console logs, stored log files and model links, inside
    /// the caller's transaction. Children go first because their foreign keys point at their parents.
    /// </summary>
    public static async Task DeleteAsync(
        IStoreDatabase database, DbConnection connection, DbTransaction transaction, Guid syncId, CancellationToken cancellationToken)
    {
        var parameters = new { SyncId = StoreValues.ToText(syncId) };

        // Locking the sync's row first waits for an execution being created for it, so that execution is
        // deleted below instead of making the final DELETE fail on its foreign key.
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT id FROM syncs WHERE id = @SyncId" + database.LockRowsClause,
            parameters,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        string[] statements =
        [
            "DELETE FROM sync_state WHERE sync_id = @SyncId",
            "DELETE FROM sync_state_in_flight WHERE sync_id = @SyncId",
            "DELETE FROM sync_state_in_flight_batches WHERE sync_id = @SyncId",
            "DELETE FROM execution_console_log WHERE execution_id IN (SELECT id FROM executions WHERE sync_id = @SyncId)",
            "DELETE FROM execution_log_files WHERE execution_id IN (SELECT id FROM executions WHERE sync_id = @SyncId)",
            "DELETE FROM executions WHERE sync_id = @SyncId",
            "DELETE FROM sync_models WHERE sync_id = @SyncId",
            "DELETE FROM syncs WHERE id = @SyncId",
        ];
        foreach (var sql in statements)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }
}
