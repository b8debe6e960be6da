namespace Outflow.Store.PostgreSql;

/// <summary>
/// The PostgreSQL schema, one script per SQLite script with the same version and name. Column types keep
/// the shared queries unchanged: UUIDs are lowercase text, instants and flags bigint (Unix milliseconds, 0
/// or 1), hashes 16-byte big-endian bytea, documents JSON text, secrets AES-GCM bytea. Text columns use
/// the "C" collation, so ORDER BY and keyset comparisons on ids sort byte by byte as in SQLite, whatever
/// the database's default collation is. Append new versions and never edit a released one.
/// </summary>
internal static class PostgreSqlMigrations
{
    public const string MigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer NOT NULL PRIMARY KEY,
            name text NOT NULL,
            applied_at bigint NOT NULL
        );
        """;

    private const string InitialSchema = """
        CREATE TABLE organizations (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            created_at bigint NOT NULL
        );

        CREATE TABLE api_keys (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
            name text NOT NULL,
            kind text NOT NULL,
            key_hash bytea NOT NULL UNIQUE,
            created_at bigint NOT NULL,
            revoked_at bigint
        );

        CREATE INDEX ix_api_keys_organization ON api_keys (organization_id);

        CREATE TABLE connections (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
            name text NOT NULL,
            type text NOT NULL,
            configuration bytea NOT NULL,
            status text NOT NULL,
            status_error text,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            created_by text NOT NULL,
            updated_by text NOT NULL
        );

        CREATE INDEX ix_connections_organization ON connections (organization_id, created_at, id);

        CREATE TABLE models (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
            connection_id text COLLATE "C" NOT NULL REFERENCES connections (id),
            connection_type text NOT NULL,
            name text NOT NULL,
            configuration text NOT NULL,
            fields text NOT NULL,
            identifier text,
            tracking_columns text NOT NULL,
            version bigint NOT NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            created_by text NOT NULL,
            updated_by text NOT NULL
        );

        CREATE INDEX ix_models_organization ON models (organization_id, updated_at, id);
        CREATE INDEX ix_models_connection ON models (connection_id);

        CREATE TABLE syncs (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
            configuration text NOT NULL,
            encryption_passphrase bytea,
            active bigint NOT NULL,
            mode text,
            target_connection_id text COLLATE "C" REFERENCES connections (id),
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            created_by text NOT NULL,
            updated_by text NOT NULL
        );

        CREATE INDEX ix_syncs_organization ON syncs (organization_id, updated_at, id);
        CREATE INDEX ix_syncs_target_connection ON syncs (target_connection_id);

        -- No foreign key to models: deleting a model leaves the syncs that use it, which then fail to run.
        CREATE TABLE sync_models (
            sync_id text COLLATE "C" NOT NULL REFERENCES syncs (id),
            model_id text COLLATE "C" NOT NULL,
            PRIMARY KEY (sync_id, model_id)
        );

        CREATE INDEX ix_sync_models_model ON sync_models (model_id);

        CREATE TABLE executions (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
            sync_id text COLLATE "C" NOT NULL REFERENCES syncs (id),
            status text NOT NULL,
            type text NOT NULL,
            created_at bigint NOT NULL,
            started_at bigint,
            completed_at bigint,
            sort_key bigint NOT NULL,
            count_total bigint NOT NULL DEFAULT 0,
            count_insert bigint NOT NULL DEFAULT 0,
            count_update bigint NOT NULL DEFAULT 0,
            count_upserts bigint NOT NULL DEFAULT 0,
            count_delete bigint NOT NULL DEFAULT 0,
            count_error bigint NOT NULL DEFAULT 0,
            count_warnings bigint NOT NULL DEFAULT 0,
            errors text NOT NULL,
            configuration text NOT NULL,
            encryption_passphrase bytea,
            options text NOT NULL,
            cancel_requested bigint NOT NULL DEFAULT 0
        );

        CREATE INDEX ix_executions_sync_order ON executions (sync_id, sort_key, id);
        CREATE INDEX ix_executions_unfinished_by_sync ON executions (sync_id, sort_key, id)
            WHERE status NOT IN ('completed', 'failed', 'canceled', 'interrupted');
        CREATE INDEX ix_executions_unfinished_by_age ON executions (created_at, id)
            WHERE status NOT IN ('completed', 'failed', 'canceled', 'interrupted');

        CREATE TABLE sync_state (
            sync_id text COLLATE "C" NOT NULL REFERENCES syncs (id),
            identity_hash bytea NOT NULL,
            identity text NOT NULL,
            row_hash bytea NOT NULL,
            PRIMARY KEY (sync_id, identity_hash)
        );
        """;

    // Entry ids are (timestamp_ms, sequence) per execution, so the primary key is also the read order.
    private const string ConsoleLog = """
        CREATE TABLE execution_console_log (
            execution_id text COLLATE "C" NOT NULL REFERENCES executions (id),
            timestamp_ms bigint NOT NULL,
            sequence bigint NOT NULL,
            level text NOT NULL,
            message text NOT NULL,
            payload text,
            PRIMARY KEY (execution_id, timestamp_ms, sequence)
        );
        """;

    // One row per (organization, API key, Idempotency-Key). response_status is NULL while the claiming request
    // runs; lease_until lets another request take over a claim whose process died.
    private const string IdempotencyKeys = """
        CREATE TABLE idempotency_keys (
            organization_id text COLLATE "C" NOT NULL,
            api_key_id text COLLATE "C" NOT NULL,
            idempotency_key text COLLATE "C" NOT NULL,
            claim_id text COLLATE "C" NOT NULL,
            method text NOT NULL,
            path text NOT NULL,
            request_hash bytea NOT NULL,
            lease_until bigint NOT NULL,
            expires_at bigint NOT NULL,
            response_status integer,
            response_headers text,
            response_body bytea,
            PRIMARY KEY (organization_id, api_key_id, idempotency_key)
        );

        CREATE INDEX ix_idempotency_keys_expires ON idempotency_keys (expires_at);
        """;

    // Jobs of async model requests. result is the JSON text of the finished job's data; created_at lets a starting
    // server fail only the jobs that an earlier process left unfinished.
    private const string Jobs = """
        CREATE TABLE jobs (
            id text COLLATE "C" NOT NULL PRIMARY KEY,
            organization_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
            type text NOT NULL,
            status text NOT NULL,
            result text,
            error text,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL
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
