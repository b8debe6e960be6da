namespace Outflow.Store;

/// <summary>SQL fragments shared by the execution queries.</summary>
internal static class ExecutionSql
{
    /// <summary>
    /// Non-terminal statuses. The text equals the predicate of the partial indexes on unfinished executions,
    /// which SQLite only uses when a query repeats it exactly.
    /// </summary>
    public const string Unfinished = "status NOT IN ('completed', 'failed', 'canceled', 'interrupted')";

    /// <summary>Terminal statuses: completed, failed, canceled, interrupted.</summary>
    public const string Finished = "status IN ('completed', 'failed', 'canceled', 'interrupted')";

    public const string SelectColumns = """
        SELECT id AS Id, organization_id AS OrganizationId, sync_id AS SyncId, status AS Status, type AS Type,
               created_at AS CreatedAt, started_at AS StartedAt, completed_at AS CompletedAt, sort_key AS SortKey,
               count_total AS CountTotal, count_insert AS CountInsert, count_update AS CountUpdate,
               count_upserts AS CountUpserts, count_delete AS CountDelete, count_error AS CountError,
               count_warnings AS CountWarnings, errors AS Errors, configuration AS Configuration,
               encryption_passphrase AS EncryptionPassphrase, options AS Options, cancel_requested AS CancelRequested,
               scheduled_for AS ScheduledFor
        FROM executions
        """;
}
