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

    // Quartz.NET's ADO job store, with the tables and columns that Quartz 4.7.3 reads and writes and its default
    // table prefix qrtz_. Quartz checks these columns when its scheduler starts (SchemaProvisioning.Validate, its default).
    private const string QuartzJobStore = """
        CREATE TABLE qrtz_job_details (
            sched_name text COLLATE "C" NOT NULL,
            job_name text COLLATE "C" NOT NULL,
            job_group text COLLATE "C" NOT NULL,
            description text,
            job_class_name text COLLATE "C" NOT NULL,
            is_durable boolean NOT NULL,
            is_nonconcurrent boolean NOT NULL,
            is_update_data boolean NOT NULL,
            requests_recovery boolean NOT NULL,
            job_data bytea,
            PRIMARY KEY (sched_name, job_name, job_group)
        );

        CREATE TABLE qrtz_triggers (
            sched_name text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            job_name text COLLATE "C" NOT NULL,
            job_group text COLLATE "C" NOT NULL,
            description text,
            next_fire_time bigint,
            prev_fire_time bigint,
            priority integer,
            trigger_state text COLLATE "C" NOT NULL,
            trigger_type text COLLATE "C" NOT NULL,
            start_time bigint NOT NULL,
            end_time bigint,
            calendar_name text,
            misfire_instr smallint,
            misfire_orig_fire_time bigint,
            execution_group text,
            preferred_node text,
            preferred_node_auto boolean NOT NULL DEFAULT FALSE,
            retry_policy text,
            retry_attempt integer,
            continues_trigger_name text,
            continues_trigger_group text,
            continuation_condition integer,
            overlap_policy integer,
            pause_reason text,
            paused_by text,
            paused_at bigint,
            misfire_threshold bigint,
            fixed_delay boolean,
            job_data bytea,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, job_name, job_group) REFERENCES qrtz_job_details (sched_name, job_name, job_group)
        );

        CREATE TABLE qrtz_simple_triggers (
            sched_name text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            repeat_count bigint NOT NULL,
            repeat_interval bigint NOT NULL,
            times_triggered bigint NOT NULL,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_cron_triggers (
            sched_name text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            cron_expression text COLLATE "C" NOT NULL,
            time_zone_id text,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_simprop_triggers (
            sched_name text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            str_prop_1 text,
            str_prop_2 text,
            str_prop_3 text,
            int_prop_1 integer,
            int_prop_2 integer,
            long_prop_1 bigint,
            long_prop_2 bigint,
            dec_prop_1 numeric,
            dec_prop_2 numeric,
            bool_prop_1 boolean,
            bool_prop_2 boolean,
            time_zone_id text,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_blob_triggers (
            sched_name text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            blob_data bytea,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_calendars (
            sched_name text COLLATE "C" NOT NULL,
            calendar_name text COLLATE "C" NOT NULL,
            calendar bytea NOT NULL,
            PRIMARY KEY (sched_name, calendar_name)
        );

        CREATE TABLE qrtz_paused_trigger_grps (
            sched_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            pause_reason text,
            paused_by text,
            paused_at bigint,
            PRIMARY KEY (sched_name, trigger_group)
        );

        CREATE TABLE qrtz_paused_job_grps (
            sched_name text COLLATE "C" NOT NULL,
            job_group text COLLATE "C" NOT NULL,
            pause_reason text,
            paused_by text,
            paused_at bigint,
            PRIMARY KEY (sched_name, job_group)
        );

        CREATE TABLE qrtz_fired_triggers (
            sched_name text COLLATE "C" NOT NULL,
            entry_id text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            instance_name text COLLATE "C" NOT NULL,
            fired_time bigint NOT NULL,
            sched_time bigint NOT NULL,
            priority integer NOT NULL,
            state text COLLATE "C" NOT NULL,
            job_name text,
            job_group text,
            is_nonconcurrent boolean NOT NULL,
            requests_recovery boolean,
            execution_group text,
            progress integer,
            progress_message text,
            interrupt_requested_time bigint,
            PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_scheduler_state (
            sched_name text COLLATE "C" NOT NULL,
            instance_name text COLLATE "C" NOT NULL,
            last_checkin_time bigint NOT NULL,
            checkin_interval bigint NOT NULL,
            quartz_version text,
            PRIMARY KEY (sched_name, instance_name)
        );

        CREATE TABLE qrtz_locks (
            sched_name text COLLATE "C" NOT NULL,
            lock_name text COLLATE "C" NOT NULL,
            PRIMARY KEY (sched_name, lock_name)
        );

        CREATE TABLE qrtz_execution_history (
            sched_name text COLLATE "C" NOT NULL,
            entry_id text COLLATE "C" NOT NULL,
            instance_name text COLLATE "C" NOT NULL,
            job_name text COLLATE "C" NOT NULL,
            job_group text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            fired_time bigint NOT NULL,
            run_time bigint NOT NULL,
            succeeded boolean NOT NULL,
            error_message text,
            retry_attempt integer NOT NULL DEFAULT 0,
            retry_scheduled boolean NOT NULL DEFAULT FALSE,
            execution_log text,
            result integer,
            summary text,
            metrics text,
            manual boolean,
            fire_instance_id text,
            job_input text,
            job_input_too_large boolean,
            PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_misfire_history (
            sched_name text COLLATE "C" NOT NULL,
            entry_id text COLLATE "C" NOT NULL,
            instance_name text COLLATE "C" NOT NULL,
            trigger_name text COLLATE "C" NOT NULL,
            trigger_group text COLLATE "C" NOT NULL,
            job_name text,
            job_group text,
            misfire_time bigint NOT NULL,
            sched_time bigint,
            reason integer,
            PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_job_status (
            sched_name text COLLATE "C" NOT NULL,
            job_group text COLLATE "C" NOT NULL,
            job_name text COLLATE "C" NOT NULL,
            first_fired_time bigint NOT NULL,
            last_fired_time bigint NOT NULL,
            last_result integer NOT NULL,
            last_run_time bigint NOT NULL,
            last_instance_name text COLLATE "C" NOT NULL,
            last_entry_id text,
            last_summary text,
            last_success_time bigint,
            last_failure_time bigint,
            last_failure_message text,
            consecutive_failures integer NOT NULL DEFAULT 0,
            run_count bigint NOT NULL DEFAULT 0,
            failure_count bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (sched_name, job_group, job_name)
        );

        CREATE INDEX idx_qrtz_j_g_n ON qrtz_job_details (sched_name, job_group, job_name);
        CREATE INDEX idx_qrtz_t_j ON qrtz_triggers (sched_name, job_name, job_group);
        CREATE INDEX idx_qrtz_t_g_n ON qrtz_triggers (sched_name, trigger_group, trigger_name);
        CREATE INDEX idx_qrtz_t_c ON qrtz_triggers (sched_name, calendar_name);
        CREATE INDEX idx_qrtz_t_nft_st ON qrtz_triggers (sched_name, trigger_state, next_fire_time ASC, priority DESC, misfire_instr);
        CREATE INDEX idx_qrtz_ft_inst_job_req_rcvry ON qrtz_fired_triggers (sched_name, instance_name, requests_recovery);
        CREATE INDEX idx_qrtz_ft_j_g ON qrtz_fired_triggers (sched_name, job_name, job_group);
        CREATE INDEX idx_qrtz_ft_t_g ON qrtz_fired_triggers (sched_name, trigger_name, trigger_group);
        CREATE INDEX idx_qrtz_eh_fired_time ON qrtz_execution_history (sched_name, fired_time);
        CREATE INDEX idx_qrtz_eh_inst ON qrtz_execution_history (sched_name, instance_name);
        CREATE INDEX idx_qrtz_eh_job_time ON qrtz_execution_history (sched_name, job_group, job_name, fired_time);
        CREATE INDEX idx_qrtz_eh_fire_inst ON qrtz_execution_history (sched_name, fire_instance_id);
        CREATE INDEX idx_qrtz_eh_trig_time ON qrtz_execution_history (sched_name, trigger_group, trigger_name, fired_time);
        CREATE INDEX idx_qrtz_mh_misfire_time ON qrtz_misfire_history (sched_name, misfire_time);
        CREATE INDEX idx_qrtz_mh_inst ON qrtz_misfire_history (sched_name, instance_name);
        """;

    /// <summary>
    /// Execution leases: the token of the current claim, which fences every write of the claiming worker, its owner
    /// as host:pid, and the lease's expiry in Unix milliseconds.
    /// </summary>
    private const string ExecutionLeases = """
        ALTER TABLE executions ADD COLUMN lease_token text;
        ALTER TABLE executions ADD COLUMN lease_owner text;
        ALTER TABLE executions ADD COLUMN lease_until bigint;
        """;

    private const string ScheduledExecutions = """
        ALTER TABLE executions ADD COLUMN scheduled_for bigint;

        CREATE UNIQUE INDEX ux_executions_sync_scheduled_for ON executions (sync_id, scheduled_for)
            WHERE scheduled_for IS NOT NULL;
        """;

    private const string ExecutionLogFiles = """
        CREATE TABLE execution_log_files (
            execution_id text COLLATE "C" NOT NULL REFERENCES executions (id),
            name text COLLATE "C" NOT NULL,
            ordinal integer NOT NULL,
            type text COLLATE "C" NOT NULL,
            records bigint NOT NULL,
            bytes bigint NOT NULL,
            content bytea NOT NULL,
            PRIMARY KEY (execution_id, name)
        );
        """;

    // The identities of the batch an execution is writing, recorded before the write and removed by the checkpoint
    // that confirms it. A row left behind by a crash is turned into unconfirmed state entries by the next run.
    private const string StateInFlight = """
        CREATE TABLE sync_state_in_flight (
            execution_id text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES executions (id),
            sync_id text COLLATE "C" NOT NULL REFERENCES syncs (id),
            identities bytea NOT NULL
        );
        CREATE INDEX sync_state_in_flight_sync ON sync_state_in_flight (sync_id);
        """;

    // One row per batch in flight, so that recording a batch before its write adds only that batch's identities while
    // the batches written since the last checkpoint stay recorded. sync_state_in_flight keeps the rows of processes
    // of earlier versions, which the next run of their sync resolves.
    private const string StateInFlightBatches = """
        CREATE TABLE sync_state_in_flight_batches (
            execution_id text COLLATE "C" NOT NULL REFERENCES executions (id),
            batch bigint NOT NULL,
            sync_id text COLLATE "C" NOT NULL REFERENCES syncs (id),
            identities bytea NOT NULL,
            PRIMARY KEY (execution_id, batch)
        );
        CREATE INDEX sync_state_in_flight_batches_sync ON sync_state_in_flight_batches (sync_id);
        """;

    public static IReadOnlyList<StoreMigration> All { get; } =
    [
        new(1, "initial schema", InitialSchema),
        new(2, "execution console log", ConsoleLog),
        new(3, "idempotency keys", IdempotencyKeys),
        new(4, "jobs", Jobs),
        new(5, "quartz job store", QuartzJobStore),
        new(6, "execution leases", ExecutionLeases),
        new(7, "scheduled executions", ScheduledExecutions),
        new(8, "execution log files", ExecutionLogFiles),
        new(9, "state in flight", StateInFlight),
        new(10, "state in flight by batch", StateInFlightBatches),
    ];
}
