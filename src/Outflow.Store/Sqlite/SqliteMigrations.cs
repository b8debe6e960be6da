namespace Outflow.Store.Sqlite;

/// <summary>
/// The SQLite schema. UUIDs are lowercase TEXT, instants INTEGER Unix milliseconds, hashes 16-byte
/// big-endian BLOBs, documents JSON TEXT, secrets AES-GCM BLOBs. Append new versions and never edit a released one.
/// </summary>
internal static class SqliteMigrations
{
    public const string MigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        );
        """;

    // The partial indexes on unfinished executions are only used by queries whose WHERE clause repeats
    // ExecutionSql.Unfinished word for word, because SQLite matches partial-index terms textually.
    private const string InitialSchema = """
        CREATE TABLE organizations (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE api_keys (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            key_hash BLOB NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );

        CREATE INDEX ix_api_keys_organization ON api_keys (organization_id);

        CREATE TABLE connections (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            configuration BLOB NOT NULL,
            status TEXT NOT NULL,
            status_error TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );

        CREATE INDEX ix_connections_organization ON connections (organization_id, created_at, id);

        CREATE TABLE models (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            connection_id TEXT NOT NULL REFERENCES connections (id),
            connection_type TEXT NOT NULL,
            name TEXT NOT NULL,
            configuration TEXT NOT NULL,
            fields TEXT NOT NULL,
            identifier TEXT,
            tracking_columns TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );

        CREATE INDEX ix_models_organization ON models (organization_id, updated_at, id);
        CREATE INDEX ix_models_connection ON models (connection_id);

        CREATE TABLE syncs (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            configuration TEXT NOT NULL,
            encryption_passphrase BLOB,
            active INTEGER NOT NULL,
            mode TEXT,
            target_connection_id TEXT REFERENCES connections (id),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );

        CREATE INDEX ix_syncs_organization ON syncs (organization_id, updated_at, id);
        CREATE INDEX ix_syncs_target_connection ON syncs (target_connection_id);

        -- No foreign key to models: deleting a model leaves the syncs that use it, which then fail to run.
        CREATE TABLE sync_models (
            sync_id TEXT NOT NULL REFERENCES syncs (id),
            model_id TEXT NOT NULL,
            PRIMARY KEY (sync_id, model_id)
        );

        CREATE INDEX ix_sync_models_model ON sync_models (model_id);

        CREATE TABLE executions (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            sync_id TEXT NOT NULL REFERENCES syncs (id),
            status TEXT NOT NULL,
            type TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            completed_at INTEGER,
            sort_key INTEGER NOT NULL,
            count_total INTEGER NOT NULL DEFAULT 0,
            count_insert INTEGER NOT NULL DEFAULT 0,
            count_update INTEGER NOT NULL DEFAULT 0,
            count_upserts INTEGER NOT NULL DEFAULT 0,
            count_delete INTEGER NOT NULL DEFAULT 0,
            count_error INTEGER NOT NULL DEFAULT 0,
            count_warnings INTEGER NOT NULL DEFAULT 0,
            errors TEXT NOT NULL,
            configuration TEXT NOT NULL,
            encryption_passphrase BLOB,
            options TEXT NOT NULL,
            cancel_requested INTEGER NOT NULL DEFAULT 0
        );

        CREATE INDEX ix_executions_sync_order ON executions (sync_id, sort_key, id);
        CREATE INDEX ix_executions_unfinished_by_sync ON executions (sync_id, sort_key, id)
            WHERE status NOT IN ('completed', 'failed', 'canceled', 'interrupted');
        CREATE INDEX ix_executions_unfinished_by_age ON executions (created_at, id)
            WHERE status NOT IN ('completed', 'failed', 'canceled', 'interrupted');

        CREATE TABLE sync_state (
            sync_id TEXT NOT NULL REFERENCES syncs (id),
            identity_hash BLOB NOT NULL,
            identity TEXT NOT NULL,
            row_hash BLOB NOT NULL,
            PRIMARY KEY (sync_id, identity_hash)
        ) WITHOUT ROWID;
        """;

    // Entry ids are (timestamp_ms, sequence) per execution, so the primary key is also the read order.
    private const string ConsoleLog = """
        CREATE TABLE execution_console_log (
            execution_id TEXT NOT NULL REFERENCES executions (id),
            timestamp_ms INTEGER NOT NULL,
            sequence INTEGER NOT NULL,
            level TEXT NOT NULL,
            message TEXT NOT NULL,
            payload TEXT,
            PRIMARY KEY (execution_id, timestamp_ms, sequence)
        );
        """;

    // One row per (organization, API key, Idempotency-Key). response_status is NULL while the claiming request
    // runs; lease_until lets another request take over a claim whose process died.
    private const string IdempotencyKeys = """
        CREATE TABLE idempotency_keys (
            organization_id TEXT NOT NULL,
            api_key_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            claim_id TEXT NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            request_hash BLOB NOT NULL,
            lease_until INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            response_status INTEGER,
            response_headers TEXT,
            response_body BLOB,
            PRIMARY KEY (organization_id, api_key_id, idempotency_key)
        );

        CREATE INDEX ix_idempotency_keys_expires ON idempotency_keys (expires_at);
        """;

    // Jobs of async model requests. result is the JSON text of the finished job's data; created_at lets a starting
    // server fail only the jobs that an earlier process left unfinished.
    private const string Jobs = """
        CREATE TABLE jobs (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            result TEXT,
            error TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );

        CREATE INDEX ix_jobs_status_updated ON jobs (status, updated_at);
        """;

    public static IReadOnlyList<StoreMigration> All { get; } =
    [
        new(1, "initial schema", InitialSchema),
        new(2, "execution console log", ConsoleLog),
        new(3, "idempotency keys", IdempotencyKeys),
        new(4, "jobs", Jobs),
    ];
}
