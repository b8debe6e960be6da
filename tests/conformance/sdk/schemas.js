// Response shapes as Polytomic's TypeScript SDK 1.18.1 declares them (node_modules/polytomic/api/types).
// Each `fields` list copies the SDK interface of the same name; `required` lists what Outflow always sends.
import { arrayOf, mapOf, nullable, object, oneOf } from "./shape.js";

export const executionStatuses = [
    "created",
    "scheduled",
    "queued",
    "waiting",
    "running",
    "processing",
    "canceling",
    "canceled",
    "completed",
    "failed",
    "interrupted",
];
export const terminalStatuses = ["completed", "failed", "canceled", "interrupted"];
export const syncModes = ["create", "update", "updateOrCreate", "replace", "append", "remove", "snapshot"];
export const scheduleFrequencies = [
    "manual",
    "continuous",
    "hourly",
    "daily",
    "weekly",
    "custom",
    "builder",
    "runafter",
    "multi",
    "dbtcloud",
];
export const identityFunctions = ["Equality", "ISubstring", "OneOf", "DomainMatch", "HostnameMatch"];

// ApiError; a 401 body also carries `error` and `code` from the older RestErrResponse type.
export const apiError = object(
    { key: "string", message: "string", metadata: "object", status: "integer" },
    { required: ["key", "message", "status"], extra: { code: "integer", error: "string" } },
);

export const outputActor = object({ id: "uuid", name: "string", type: "string" });

export const identity = object(
    {
        email: "string",
        id: "string",
        is_organization: "boolean",
        is_partner: "boolean",
        is_system: "boolean",
        is_user: "boolean",
        organization_id: "uuid",
        organization_name: "string",
        role: "string",
    },
    { required: ["organization_id"] },
);

export const connectionType = object(
    {
        capabilities: object(
            { destination: "boolean", enrichment: "boolean", orchestration: "boolean", source: "boolean" },
            { required: ["destination", "enrichment", "orchestration", "source"] },
        ),
        configurationForm: object({ jsonschema: "any", uischema: "any" }),
        envConfig: "object",
        id: "string",
        initialConfiguration: "object",
        logo_url: "string",
        name: "string",
        oauth_prompt: object({ key: nullable("string"), value: nullable("string"), when: "string" }),
        use_oauth: "boolean",
    },
    { required: ["capabilities", "id", "name"] },
);

const connectionTypeSchema = object(
    { id: "string", logo_url: "string", name: "string", operations: arrayOf("string") },
    { required: ["id"] },
);

const sharedConnectionFields = {
    configuration: "object",
    id: "uuid",
    name: "string",
    organization_id: "uuid",
    policies: arrayOf("uuid"),
    saved: "boolean",
    status: "string",
    status_error: "string",
    type: connectionTypeSchema,
};
const listedConnectionFields = {
    api_calls_last_24_hours: "integer",
    created_at: "date-time",
    created_by: outputActor,
    parent_connection_id: "uuid",
    updated_at: "date-time",
    updated_by: outputActor,
};
const createdConnectionFields = { auth_code: "string", auth_url: "string", healthcheck_interval: "string" };
const connectionRequired = ["id", "name", "type", "configuration", "organization_id"];

// Outflow returns the union of the SDK's two connection types from every connection route, so each shape
// accepts the other type's properties as extras.

// ConnectionResponseSchema (list and get).
export const connection = object(
    { ...sharedConnectionFields, ...listedConnectionFields },
    { required: connectionRequired, extra: createdConnectionFields },
);

// CreateConnectionResponseSchema (create and update).
export const createdConnection = object(
    { ...sharedConnectionFields, ...createdConnectionFields },
    { required: connectionRequired, extra: listedConnectionFields },
);

export const modelField = object(
    {
        created_at: "date-time",
        created_by: outputActor,
        description: "string",
        example: "any",
        id: "uuid",
        label: "string",
        name: "string",
        remote_type: "string",
        type: oneOf("unknown", "string", "number", "boolean", "datetime", "array", "object", "binary"),
        unique: "boolean",
        updated_at: "date-time",
        user_added: "boolean",
    },
    { required: ["id", "name", "type"] },
);

// A field of Get Source Fields: a ModelField of a model that is not saved, so it carries no id.
export const sourceField = object(modelField.fields, { required: ["name", "type"] });

export const model = object(
    {
        configuration: "object",
        connection_id: "uuid",
        created_at: "date-time",
        created_by: outputActor,
        enricher: "object",
        fields: arrayOf(modelField),
        id: "uuid",
        identifier: "string",
        labels: arrayOf("object"),
        name: "string",
        organization_id: "uuid",
        policies: arrayOf("uuid"),
        relations: arrayOf(object({ from: "string", to: object({ field: "string", model_id: "uuid" }) })),
        tracking_columns: arrayOf("string"),
        type: "string",
        updated_at: "date-time",
        updated_by: outputActor,
        version: "integer",
    },
    { required: ["id", "name", "connection_id", "configuration", "fields", "created_at", "updated_at"] },
);

// A previewed model: Outflow stores nothing, so it sends no id, version, timestamps or actors, and its fields
// have no ids.
export const previewModelField = object(modelField.fields, {
    required: ["name", "label", "type", "remote_type", "user_added"],
});

export const previewModel = object(
    { ...model.fields, fields: arrayOf(previewModelField) },
    { required: ["name", "type", "connection_id", "configuration", "fields", "tracking_columns", "organization_id"] },
);

export const job = object(
    {
        error: nullable("string"),
        job_id: "uuid",
        result: "any",
        status: oneOf("created", "running", "done", "failed"),
        type: "string",
    },
    { required: ["job_id", "status", "type"] },
);

const source = object({ field: "string", model_id: "uuid" }, { required: ["field", "model_id"] });

const syncField = object(
    {
        encryption_enabled: "boolean",
        new: "boolean",
        override_value: "string",
        source,
        sync_mode: "string",
        target: "string",
    },
    { required: ["target"] },
);

export const schedule = object({
    connection_id: "uuid",
    day_of_month: "string",
    day_of_week: "string",
    frequency: oneOf(...scheduleFrequencies),
    hour: "string",
    job_id: "integer",
    minute: "string",
    month: "string",
    run_after: object({ bulk_sync_ids: arrayOf("uuid"), sync_ids: arrayOf("uuid") }),
    run_after_success_only: "boolean",
});

const syncFields = {
    active: "boolean",
    created_at: "date-time",
    created_by: outputActor,
    encryption_passphrase: "string",
    fields: arrayOf(syncField),
    filter_logic: "string",
    filters: arrayOf(
        object({
            field: source,
            field_id: "string",
            field_type: oneOf("Model", "Target"),
            function: "string",
            label: "string",
            value: "any",
        }),
    ),
    id: "uuid",
    identity: object(
        {
            function: oneOf(...identityFunctions),
            new_field: "boolean",
            remote_field_type_id: "string",
            source,
            target: "string",
        },
        { required: ["function", "source", "target"] },
    ),
    mode: oneOf(...syncModes),
    model_ids: arrayOf("uuid"),
    name: "string",
    only_enrich_updates: "boolean",
    organization_id: "uuid",
    override_fields: arrayOf(syncField),
    overrides: arrayOf(
        object({ field: source, field_id: "string", function: "string", override: "any", value: "any" }),
    ),
    policies: arrayOf("uuid"),
    schedule,
    skip_initial_backfill: "boolean",
    sync_all_records: "boolean",
    target: object(
        {
            configuration: "object",
            connection_id: "uuid",
            create: mapOf("string"),
            filter_logic: "string",
            new_name: "string",
            object: "string",
            search_values: "object",
        },
        { required: ["connection_id"] },
    ),
    updated_at: "date-time",
    updated_by: outputActor,
};
const syncRequired = ["id", "name", "mode", "active", "target", "fields", "schedule", "model_ids"];

// ModelSyncResponse (create, get, update).
export const sync = object(syncFields, { required: syncRequired });

// List Syncs items: the SDK 1.18.1 types them as ModelSyncResponse; newer SDKs read `target_connection_id`
// and `target_object` from the same items.
export const listedSync = object(syncFields, {
    required: syncRequired,
    extra: { target_connection_id: "uuid", target_object: "string" },
});

export const execution = object(
    {
        completed_at: nullable("date-time"),
        counts: object(
            {
                delete: "integer",
                error: "integer",
                insert: "integer",
                total: "integer",
                update: "integer",
                upserts: "integer",
                warnings: "integer",
            },
            { required: ["delete", "error", "insert", "total", "update", "upserts", "warnings"] },
        ),
        created_at: "date-time",
        errors: arrayOf("string"),
        id: "uuid",
        started_at: nullable("date-time"),
        status: oneOf(...executionStatuses),
        type: oneOf("manual", "scheduled", "test", "dry_run"),
    },
    { required: ["id", "status", "type", "created_at", "counts"] },
);

export const startedExecution = object(
    { created_at: "date-time", id: "uuid", status: oneOf(...executionStatuses) },
    { required: ["created_at", "id", "status"] },
);

export const syncStatus = object({
    current_execution: execution,
    last_execution: execution,
    next_execution_time: nullable("date-time"),
});

export const pagination = object({ next_page_token: "string" });

export const logUrls = object(
    { expires: nullable("date-time"), urls: arrayOf("string") },
    { required: ["urls"] },
);

// Console log entries (ExecutionConsoleLogsResponse), typed only by SDKs newer than 1.18.1.
export const consoleLog = object(
    {
        entries: arrayOf(
            object(
                {
                    id: "string",
                    level: oneOf("DEBUG", "INFO", "WARN", "ERROR"),
                    message: "string",
                    payload: nullable("object"),
                    timestamp: "date-time",
                },
                { required: ["id", "level", "message", "timestamp"] },
            ),
        ),
        next_cursor: nullable("string"),
    },
    { required: ["entries", "next_cursor"] },
);

// Discovery shapes, for routes that Outflow does not serve yet.
export const sourceMeta = object({
    configuration: mapOf(object({ items: arrayOf("any"), type: "string" })),
    items: mapOf(
        object({ has_items: "boolean", items: nullable(arrayOf("string")), requires_one_of: arrayOf("string") }),
    ),
    requires_one_of: arrayOf("string"),
});

// ConnectionMetaResponse of the deprecated Get Target: the same shape as SyncSourceMetaResponse.
export const connectionMeta = sourceMeta;

export const targetObjects = {
    data: arrayOf(
        object({
            id: "string",
            modes: arrayOf(
                object({
                    id: oneOf(...syncModes),
                    requires_identity: "boolean",
                    supports_per_field_mode: "boolean",
                    supports_target_filters: "boolean",
                }),
            ),
            name: "string",
        }),
    ),
    targetCreation: object({
        properties: arrayOf(object({ enum: "boolean", id: "string", title: "string" })),
        supported: "boolean",
    }),
};

export const targetFields = object({
    fields: arrayOf(
        object({
            association: "boolean",
            createable: "boolean",
            description: "string",
            encryptable: "boolean",
            filterable: "boolean",
            id: "string",
            identity_functions: arrayOf(object({ id: oneOf(...identityFunctions), label: "string" })),
            name: "string",
            required: "boolean",
            source_type: "string",
            supports_identity: "boolean",
            type: "string",
            updateable: "boolean",
        }),
    ),
    id: "string",
    modes: arrayOf(
        object({
            description: "string",
            label: "string",
            mode: oneOf(...syncModes),
            requires_identity: "boolean",
            supports_field_sync_mode: "boolean",
            supports_target_filters: "boolean",
        }),
    ),
    name: "string",
    properties: "object",
    refreshed_at: "date-time",
});

export const scheduleOptions = object(
    {
        schedule_options: arrayOf(
            object({
                configuration: "object",
                description: "string",
                frequency: oneOf(...scheduleFrequencies),
                label: "string",
            }),
        ),
    },
    { required: ["schedule_options"] },
);

// TargetPropertyValues, the legal values of one creation property of a target object.
export const targetPropertyValues = object({
    enum: "boolean",
    id: "string",
    title: "string",
    values: arrayOf(object({ label: nullable("string"), value: "string" })),
});

// ConnectionParameterValuesResp, the values offered for one connection parameter.
export const parameterValues = object({
    allows_creation: "boolean",
    values: nullable(arrayOf(object({ label: nullable("string"), value: "any" }))),
});

// ModelSample: each record maps the model id (or an enricher id) to that source's field values.
export const modelSample = object(
    { records: arrayOf(mapOf("object")), warnings: arrayOf("string") },
    { required: ["records"] },
);

export const activateOutput = object({ active: "boolean", id: "uuid" }, { required: ["active", "id"] });

// CancelModelSyncResponse, also the shape of Cancel Execution's `data`.
export const cancelOutput = object({ message: "string" }, { required: ["message"] });

// One line of a records, inserts, updates or deletes log file (JSON Lines).
export const recordLogLine = object(
    {
        fields: "object",
        identity: "any",
        operation: oneOf("insert", "update", "delete"),
    },
    { required: ["fields", "identity", "operation"] },
);
