// The SDK client and the fixtures every test file shares. tests/conformance/run.sh starts the server and the
// PostgreSQL cluster and passes their addresses in the environment.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Polytomic, PolytomicClient, PolytomicError } from "polytomic";
import { assertShape } from "./shape.js";
import * as schemas from "./schemas.js";

function requiredEnvironment(name) {
    const value = process.env[name];
    if (!value) {
        throw new Error(`${name} is not set; run the suite with tests/conformance/run.sh, which sets it`);
    }
    return value;
}

export const baseUrl = requiredEnvironment("OUTFLOW_URL");
export const apiKey = requiredEnvironment("OUTFLOW_API_KEY");
export const postgresPort = Number(requiredEnvironment("OUTFLOW_PG_PORT"));

/** Creates an SDK client for the test server; the options are those of `new PolytomicClient`. */
export function createClient(options = {}) {
    return new PolytomicClient({ environment: baseUrl, token: apiKey, ...options });
}

export const client = createClient();

// A random UUID names an object that does not exist.
export const unknownId = () => randomUUID();

/** Returns `prefix` with a random suffix, so that a test can tell its objects from those of other tests. */
export function uniqueName(prefix) {
    return `${prefix} ${randomUUID().slice(0, 8)}`;
}

export const postgresConfiguration = {
    hostname: "127.0.0.1",
    port: postgresPort,
    database: "postgres",
    username: "postgres",
    password: "unused-with-trust-auth",
    ssl: false,
};

/** Creates a PostgreSQL connection to the test cluster through the SDK and returns its id. */
export async function createPostgresConnection(name = uniqueName("postgres")) {
    const response = await client.connections.create({
        name,
        type: "postgresql",
        configuration: postgresConfiguration,
    });
    return response.data.id;
}

/** Creates a model of the `customers` table through the SDK and returns the model. */
export async function createCustomersModel(connectionId, name = uniqueName("customers")) {
    const response = await client.models.create({
        body: {
            name,
            connection_id: connectionId,
            configuration: { table: "public.customers" },
            identifier: "id",
        },
    });
    return response.data;
}

export const customerColumns = ["email", "score", "signed_up", "active"];

/** Returns the body of a sync that upserts the `customers` model into `customer_copy` by id. */
export function customerSyncRequest(connectionId, modelId, overrides = {}) {
    return {
        name: uniqueName("customers to copy"),
        mode: "updateOrCreate",
        active: true,
        schedule: { frequency: "manual" },
        target: { connection_id: connectionId, object: "public.customer_copy" },
        identity: {
            source: { model_id: modelId, field: "id" },
            target: "id",
            function: "Equality",
        },
        fields: customerColumns.map((column) => ({
            source: { model_id: modelId, field: column },
            target: column,
        })),
        ...overrides,
    };
}

/**
 * Creates a model of a generated series that takes seconds to read, and an active append sync of it into
 * `events`, for tests that cancel a running execution. Returns the sync id.
 */
export async function createSlowSync(connectionId) {
    const model = await client.models.create({
        body: {
            name: uniqueName("events"),
            connection_id: connectionId,
            configuration: {
                query: "SELECT g AS id, repeat('x', 100) AS payload FROM generate_series(1, 3000000) AS g",
            },
        },
    });
    const sync = await client.modelSync.create({
        name: uniqueName("events to target"),
        mode: "append",
        active: true,
        schedule: { frequency: "manual" },
        target: { connection_id: connectionId, object: "public.events" },
        fields: ["id", "payload"].map((column) => ({
            source: { model_id: model.data.id, field: column },
            target: column,
        })),
    });
    return sync.data.id;
}

/** Polls Get Execution until the execution reaches a terminal status, and returns it. */
export async function waitForExecution(syncId, executionId) {
    for (;;) {
        const response = await client.modelSync.executions.get(syncId, executionId);
        assertShape(response.data, schemas.execution, "$.data");
        if (schemas.terminalStatuses.includes(response.data.status)) {
            return response.data;
        }
        await sleep(100);
    }
}

/**
 * Calls Outflow directly with fetch, for routes that SDK 1.18.1 has no method for (Cancel Execution and
 * Console Logs exist only in later SDK generations). Returns the status and the parsed JSON body.
 */
export async function callApi(method, path, body) {
    const response = await fetch(new URL(path, baseUrl), {
        method,
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

/**
 * Asserts that `promise` rejects with the SDK error class `errorClass` (a subclass of PolytomicError) for
 * HTTP status `status`, with an ApiError body whose `key` is `key`. Returns the error for further checks.
 */
export async function assertApiError(promise, errorClass, status, key) {
    let caught;
    try {
        await promise;
    } catch (error) {
        caught = error;
    }
    assert.ok(caught, `the call succeeded, expected ${errorClass.name} with status ${status}`);
    assert.ok(
        caught instanceof errorClass,
        `the call raised ${caught.constructor.name} (${caught.message}), expected ${errorClass.name}`,
    );
    assert.ok(caught instanceof PolytomicError, "SDK errors extend PolytomicError");
    assert.equal(caught.statusCode, status);
    assertShape(caught.body, schemas.apiError, "error.body");
    assert.equal(caught.body.status, status);
    if (key !== undefined) {
        assert.equal(caught.body.key, key, `error message: ${caught.body.message}`);
    }
    return caught;
}

export { Polytomic, PolytomicError, assertShape, schemas };
