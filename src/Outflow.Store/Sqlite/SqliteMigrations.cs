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

    // Quartz.NET's ADO job store, with the tables and columns that Quartz 4.7.3 reads and writes and its default
    // table prefix qrtz_. Quartz opens its own connections without PRAGMA foreign_keys, so the AFTER DELETE
    // triggers remove a trigger's detail rows that the ON DELETE CASCADE clauses would otherwise leave behind.
    private const string QuartzJobStore = """
        CREATE TABLE qrtz_job_details (
            sched_name TEXT NOT NULL,
            job_name TEXT NOT NULL,
            job_group TEXT NOT NULL,
            description TEXT,
            job_class_name TEXT NOT NULL,
            is_durable BOOLEAN NOT NULL,
            is_nonconcurrent BOOLEAN NOT NULL,
            is_update_data BOOLEAN NOT NULL,
            requests_recovery BOOLEAN NOT NULL,
            job_data BLOB,
            PRIMARY KEY (sched_name, job_name, job_group)
        );

        CREATE TABLE qrtz_triggers (
            sched_name TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            job_name TEXT NOT NULL,
            job_group TEXT NOT NULL,
            description TEXT,
            next_fire_time INTEGER,
            prev_fire_time INTEGER,
            priority INTEGER,
            trigger_state TEXT NOT NULL,
            trigger_type TEXT NOT NULL,
            start_time INTEGER NOT NULL,
            end_time INTEGER,
            calendar_name TEXT,
            misfire_instr INTEGER,
            misfire_orig_fire_time INTEGER,
            execution_group TEXT,
            preferred_node TEXT,
            preferred_node_auto BOOLEAN NOT NULL DEFAULT 0,
            retry_policy TEXT,
            retry_attempt INTEGER,
            continues_trigger_name TEXT,
            continues_trigger_group TEXT,
            continuation_condition INTEGER,
            overlap_policy INTEGER,
            pause_reason TEXT,
            paused_by TEXT,
            paused_at INTEGER,
            misfire_threshold INTEGER,
            fixed_delay BOOLEAN,
            job_data BLOB,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, job_name, job_group) REFERENCES qrtz_job_details (sched_name, job_name, job_group)
        );

        CREATE TABLE qrtz_simple_triggers (
            sched_name TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            repeat_count INTEGER NOT NULL,
            repeat_interval INTEGER NOT NULL,
            times_triggered INTEGER NOT NULL,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_cron_triggers (
            sched_name TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            cron_expression TEXT NOT NULL,
            time_zone_id TEXT,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_simprop_triggers (
            sched_name TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            str_prop_1 TEXT,
            str_prop_2 TEXT,
            str_prop_3 TEXT,
            int_prop_1 INTEGER,
            int_prop_2 INTEGER,
            long_prop_1 INTEGER,
            long_prop_2 INTEGER,
            dec_prop_1 NUMERIC,
            dec_prop_2 NUMERIC,
            bool_prop_1 BOOLEAN,
            bool_prop_2 BOOLEAN,
            time_zone_id TEXT,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_blob_triggers (
            sched_name TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            blob_data BLOB,
            PRIMARY KEY (sched_name, trigger_name, trigger_group),
            FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_calendars (
            sched_name TEXT NOT NULL,
            calendar_name TEXT NOT NULL,
            calendar BLOB NOT NULL,
            PRIMARY KEY (sched_name, calendar_name)
        );

        CREATE TABLE qrtz_paused_trigger_grps (
            sched_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            pause_reason TEXT,
            paused_by TEXT,
            paused_at INTEGER,
            PRIMARY KEY (sched_name, trigger_group)
        );

        CREATE TABLE qrtz_paused_job_grps (
            sched_name TEXT NOT NULL,
            job_group TEXT NOT NULL,
            pause_reason TEXT,
            paused_by TEXT,
            paused_at INTEGER,
            PRIMARY KEY (sched_name, job_group)
        );

        CREATE TABLE qrtz_fired_triggers (
            sched_name TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            instance_name TEXT NOT NULL,
            fired_time INTEGER NOT NULL,
            sched_time INTEGER NOT NULL,
            priority INTEGER NOT NULL,
            state TEXT NOT NULL,
            job_name TEXT,
            job_group TEXT,
            is_nonconcurrent BOOLEAN,
            requests_recovery BOOLEAN,
            execution_group TEXT,
            progress INTEGER,
            progress_message TEXT,
            interrupt_requested_time INTEGER,
            PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_scheduler_state (
            sched_name TEXT NOT NULL,
            instance_name TEXT NOT NULL,
            last_checkin_time INTEGER NOT NULL,
            checkin_interval INTEGER NOT NULL,
            quartz_version TEXT,
            PRIMARY KEY (sched_name, instance_name)
        );

        CREATE TABLE qrtz_locks (
            sched_name TEXT NOT NULL,
            lock_name TEXT NOT NULL,
            PRIMARY KEY (sched_name, lock_name)
        );

        CREATE TABLE qrtz_execution_history (
            sched_name TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            instance_name TEXT NOT NULL,
            job_name TEXT NOT NULL,
            job_group TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            fired_time INTEGER NOT NULL,
            run_time INTEGER NOT NULL,
            succeeded BOOLEAN NOT NULL,
            error_message TEXT,
            retry_attempt INTEGER NOT NULL DEFAULT 0,
            retry_scheduled BOOLEAN NOT NULL DEFAULT 0,
            execution_log TEXT,
            result INTEGER,
            summary TEXT,
            metrics TEXT,
            manual BOOLEAN,
            fire_instance_id TEXT,
            job_input TEXT,
            job_input_too_large BOOLEAN,
            PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_misfire_history (
            sched_name TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            instance_name TEXT NOT NULL,
            trigger_name TEXT NOT NULL,
            trigger_group TEXT NOT NULL,
            job_name TEXT,
            job_group TEXT,
            misfire_time INTEGER NOT NULL,
            sched_time INTEGER,
            reason INTEGER,
            PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_job_status (
            sched_name TEXT NOT NULL,
            job_group TEXT NOT NULL,
            job_name TEXT NOT NULL,
            first_fired_time INTEGER NOT NULL,
            last_fired_time INTEGER NOT NULL,
            last_result INTEGER NOT NULL,
            last_run_time INTEGER NOT NULL,
            last_instance_name TEXT NOT NULL,
            last_entry_id TEXT,
            last_summary TEXT,
            last_success_time INTEGER,
            last_failure_time INTEGER,
            last_failure_message TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            run_count INTEGER NOT NULL DEFAULT 0,
            failure_count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (sched_name, job_group, job_name)
        );

        CREATE TRIGGER qrtz_delete_simple_trigger AFTER DELETE ON qrtz_triggers
        BEGIN
            DELETE FROM qrtz_simple_triggers
            WHERE sched_name = OLD.sched_name AND trigger_name = OLD.trigger_name AND trigger_group = OLD.trigger_group;
        END;

        CREATE TRIGGER qrtz_delete_simprop_trigger AFTER DELETE ON qrtz_triggers
        BEGIN
            DELETE FROM qrtz_simprop_triggers
            WHERE sched_name = OLD.sched_name AND trigger_name = OLD.trigger_name AND trigger_group = OLD.trigger_group;
        END;

        CREATE TRIGGER qrtz_delete_cron_trigger AFTER DELETE ON qrtz_triggers
        BEGIN
            DELETE FROM qrtz_cron_triggers
            WHERE sched_name = OLD.sched_name AND trigger_name = OLD.trigger_name AND trigger_group = OLD.trigger_group;
        END;

        CREATE TRIGGER qrtz_delete_blob_trigger AFTER DELETE ON qrtz_triggers
        BEGIN
            DELETE FROM qrtz_blob_triggers
            WHERE sched_name = OLD.sched_name AND trigger_name = OLD.trigger_name AND trigger_group = OLD.trigger_group;
        END;

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
        ALTER TABLE executions ADD COLUMN lease_token TEXT;
        ALTER TABLE executions ADD COLUMN lease_owner TEXT;
        ALTER TABLE executions ADD COLUMN lease_until INTEGER;
        """;

    // A scheduled execution records the fire time it was created for, and the unique index lets one fire time of a
    // sync create one execution, however often Quartz fires or recovers that trigger.
    private const string ScheduledExecutions = """
        ALTER TABLE executions ADD COLUMN scheduled_for INTEGER;

        CREATE UNIQUE INDEX ux_executions_sync_scheduled_for ON executions (sync_id, scheduled_for)
            WHERE scheduled_for IS NOT NULL;
        """;

    // Record log files of ended executions, so every process sharing the store serves them. ordinal is the list
    // order (by type, then file number), and content is the gzip-compressed file.
    private const string ExecutionLogFiles = """
        CREATE TABLE execution_log_files (
            execution_id TEXT NOT NULL REFERENCES executions (id),
            name TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            type TEXT NOT NULL,
            records INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            content BLOB NOT NULL,
            PRIMARY KEY (execution_id, name)
        );
        """;

    // The identities of the batch an execution is writing, recorded before the write and removed by the checkpoint
    // that confirms it. A row left behind by a crash is turned into unconfirmed state entries by the next run.
    private const string StateInFlight = """
        CREATE TABLE sync_state_in_flight (
            execution_id TEXT NOT NULL PRIMARY KEY REFERENCES executions (id),
            sync_id TEXT NOT NULL REFERENCES syncs (id),
            identities BLOB NOT NULL
        );
        CREATE INDEX sync_state_in_flight_sync ON sync_state_in_flight (sync_id);
        """;

    // One row per batch in flight, so that recording a batch before its write adds only that batch's identities while
    // the batches written since the last checkpoint stay recorded. sync_state_in_flight keeps the rows of processes
    // of earlier versions, which the next run of their sync resolves.
    private const string StateInFlightBatches = """
        CREATE TABLE sync_state_in_flight_batches (
            execution_id TEXT NOT NULL REFERENCES executions (id),
            batch INTEGER NOT NULL,
            sync_id TEXT NOT NULL REFERENCES syncs (id),
            identities BLOB NOT NULL,
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
