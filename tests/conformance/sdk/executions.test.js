// Executions through client.modelSync and client.modelSync.executions: start, wait, list, get, status,
// log URLs and downloads, console logs, and the three ways of canceling a running execution.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
    Polytomic,
    PolytomicError,
    assertApiError,
    assertShape,
    callApi,
    client,
    createCustomersModel,
    createPostgresConnection,
    createSlowSync,
    customerSyncRequest,
    schemas,
    unknownId,
    waitForExecution,
} from "./setup.js";

const customerRows = 500;

// Bounds a test whose server never finishes an execution, so that CI fails instead of hanging.
const safetyTimeout = { timeout: 120_000 };

describe("executions", safetyTimeout, () => {
    let syncId;
    let started;
    let finished;
    let slowSyncId;

    before(async () => {
        const connectionId = await createPostgresConnection();
        const model = await createCustomersModel(connectionId);
        syncId = (await client.modelSync.create(customerSyncRequest(connectionId, model.id))).data.id;
        started = await client.modelSync.start(syncId, {});
        finished = await waitForExecution(syncId, started.data.id);
        slowSyncId = await createSlowSync(connectionId);
    });

    test("start returns the new execution", () => {
        assertShape(started.data, schemas.startedExecution, "$.data");
        assert.ok(["created", "queued"].includes(started.data.status), `status ${started.data.status}`);
    });

    test("first execution inserts every row", () => {
        assert.equal(finished.status, "completed", `errors: ${JSON.stringify(finished.errors)}`);
        assert.equal(finished.type, "manual");
        assert.equal(finished.counts.insert, customerRows);
        assert.equal(finished.counts.update, 0);
        assert.equal(finished.counts.delete, 0);
        assert.equal(finished.counts.error, 0);
        assert.equal(finished.counts.total, customerRows);
        assert.ok(finished.started_at, "started_at is set");
        assert.ok(finished.completed_at, "completed_at is set");
    });

    test("get returns the finished execution", async () => {
        const response = await client.modelSync.executions.get(syncId, started.data.id);

        assertShape(response.data, schemas.execution, "$.data");
        assert.deepEqual(response.data, finished);
    });

    test("list returns the execution with its counts", async () => {
        const response = await client.modelSync.executions.list(syncId);
        const completed = await client.modelSync.executions.list(syncId, { only_completed: true, ascending: true });

        assertShape(response.data, { kind: "array", item: schemas.execution }, "$.data");
        assertShape(response.pagination ?? {}, schemas.pagination, "$.pagination");
        assert.equal(response.pagination?.next_page_token ?? "", "", "one execution fits on one page");
        assert.deepEqual(
            response.data.find((execution) => execution.id === started.data.id),
            finished,
        );
        assertShape(completed.data, { kind: "array", item: schemas.execution }, "$.data");
        assert.ok(completed.data.every((execution) => schemas.terminalStatuses.includes(execution.status)));
    });

    test("list with a tampered page token raises an ApiError", async () => {
        // executions.list declares no 400, so the SDK raises its base class with the status and body.
        await assertApiError(
            client.modelSync.executions.list(syncId, { page_token: "not-a-token" }),
            PolytomicError,
            400,
            "invalid_page_token",
        );
    });

    test("getStatus reports the finished execution as the last one", async () => {
        const response = await client.modelSync.getStatus(syncId);

        assertShape(response.data, schemas.syncStatus, "$.data");
        assert.equal(response.data.current_execution ?? null, null);
        assert.equal(response.data.last_execution.id, started.data.id);
        assert.equal(response.data.last_execution.status, "completed");
        assert.equal(response.data.next_execution_time ?? null, null, "manual syncs have no next time");
    });

    test("getLogUrls returns downloadable records logs", async () => {
        const response = await client.modelSync.executions.getLogUrls(syncId, started.data.id, "records");

        assertShape(response.data, schemas.logUrls, "$.data");
        assert.ok(response.data.urls.length >= 1, "at least one records file");
        assert.ok(Date.parse(response.data.expires) > Date.now(), "expires is in the future");
        const lines = [];
        for (const url of response.data.urls) {
            // Signed URLs carry their own credential, so the download sends no API key.
            const download = await fetch(url);
            assert.equal(download.status, 200, `GET ${url}`);
            const text = await download.text();
            lines.push(...text.split("\n").filter((line) => line !== ""));
        }
        assert.equal(lines.length, customerRows);
        for (const line of lines.slice(0, 5)) {
            assertShape(JSON.parse(line), schemas.recordLogLine, "records line");
        }
    });

    test("getLogUrls of a type without files returns no URLs", async () => {
        for (const type of ["errors", "warnings", "updates", "deletes"]) {
            const response = await client.modelSync.executions.getLogUrls(syncId, started.data.id, type);

            assertShape(response.data, schemas.logUrls, "$.data");
            assert.deepEqual(response.data.urls, [], `${type} has no files`);
        }
    });

    test("getLogUrls of an unknown type raises BadRequestError", async () => {
        await assertApiError(
            client.modelSync.executions.getLogUrls(syncId, started.data.id, "everything"),
            Polytomic.BadRequestError,
            400,
            "invalid_field",
        );
    });

    test("getLogs accepts each file name of the execution", async () => {
        // SDK 1.18.1 discards the body of Get Execution Log, so its file names come from Outflow's logs index.
        const index = await callApi("GET", `/api/syncs/${syncId}/executions/${started.data.id}/logs`);
        assert.equal(index.status, 200);
        const records = index.body.data.files.filter((file) => file.type === "records");
        assert.ok(records.length >= 1, "the index lists a records file");

        for (const file of records) {
            const result = await client.modelSync.executions.getLogs(syncId, started.data.id, "records", file.name);

            assert.equal(result, undefined);
        }
        await assertApiError(
            client.modelSync.executions.getLogs(syncId, started.data.id, "records", "records-9999.jsonl"),
            Polytomic.NotFoundError,
            404,
            "not_found",
        );
    });

    test("console log lists the execution's entries", async () => {
        // Console Logs exists only in later SDK generations, so the test calls the route with fetch.
        const path = `/api/syncs/${syncId}/executions/${started.data.id}/consolelog?after=0-0`;

        const response = await callApi("GET", path);

        assert.equal(response.status, 200);
        assertShape(response.body.data, schemas.consoleLog, "$.data");
        assert.ok(response.body.data.entries.length > 0, "a finished execution has entries");
        const newest = response.body.data.entries.at(-1);
        assert.equal(response.body.data.next_cursor, newest.id);
    });

    test("unknown execution raises NotFoundError", async () => {
        const id = unknownId();

        await assertApiError(client.modelSync.executions.get(syncId, id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(
            client.modelSync.executions.getLogUrls(syncId, id, "records"),
            Polytomic.NotFoundError,
            404,
            "not_found",
        );
        await assertApiError(
            client.modelSync.executions.update(syncId, id, { status: "canceled" }),
            Polytomic.NotFoundError,
            404,
            "not_found",
        );
    });

    test("second execution finds nothing changed", async () => {
        const second = await client.modelSync.start(syncId);

        const execution = await waitForExecution(syncId, second.data.id);

        assert.equal(execution.status, "completed");
        assert.equal(execution.counts.total, 0);
    });

    test("cancel of the sync stops its running execution", async () => {
        const execution = await client.modelSync.start(slowSyncId);
        await assertApiError(
            client.modelSync.start(slowSyncId),
            Polytomic.ConflictError,
            409,
            "execution_in_progress",
        );

        const response = await client.modelSync.cancel(slowSyncId);
        const stopped = await waitForExecution(slowSyncId, execution.data.id);

        assertShape(response.data, schemas.cancelOutput, "$.data");
        assert.equal(stopped.status, "canceled");
    });

    test("update of an execution to canceled stops it", async () => {
        const execution = await client.modelSync.start(slowSyncId);

        const response = await client.modelSync.executions.update(slowSyncId, execution.data.id, {
            status: "canceled",
        });
        const stopped = await waitForExecution(slowSyncId, execution.data.id);

        assertShape(response.data, schemas.execution, "$.data");
        assert.equal(response.data.id, execution.data.id);
        assert.equal(stopped.status, "canceled");
        await assertApiError(
            client.modelSync.executions.update(slowSyncId, execution.data.id, { status: "canceled" }),
            Polytomic.BadRequestError,
            400,
            "invalid_status_transition",
        );
    });

    test("cancel of an execution stops it", async () => {
        // Cancel Execution exists only in later SDK generations, so the test calls the route with fetch.
        const execution = await client.modelSync.start(slowSyncId);
        const path = `/api/syncs/${slowSyncId}/executions/${execution.data.id}/cancel`;

        const response = await callApi("POST", path);
        const stopped = await waitForExecution(slowSyncId, execution.data.id);
        const repeated = await callApi("POST", path);

        assert.equal(response.status, 200);
        assertShape(response.body.data, schemas.cancelOutput, "$.data");
        assert.equal(stopped.status, "canceled");
        assert.equal(repeated.status, 400);
        assertShape(repeated.body, schemas.apiError, "$");
        assert.equal(repeated.body.key, "execution_finished");
    });

    test("remove of a sync with a running execution deletes it", async () => {
        await client.modelSync.start(slowSyncId);

        await client.modelSync.remove(slowSyncId);

        await assertApiError(client.modelSync.get(slowSyncId), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.modelSync.executions.list(slowSyncId), Polytomic.NotFoundError, 404, "not_found");
    });
});
