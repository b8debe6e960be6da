// Syncs through client.modelSync: create, list, get, update, activate, remove, status and their errors.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { before, describe, test } from "node:test";
import {
    Polytomic,
    assertApiError,
    assertShape,
    client,
    createCustomersModel,
    createPostgresConnection,
    customerColumns,
    customerSyncRequest,
    schemas,
    uniqueName,
    unknownId,
    waitForExecution,
} from "./setup.js";

// Skip options for tests of routes that Outflow does not serve yet. Drop a test's option once its route
// is served.
const unserved = {
    scheduleOptions: {},
};

describe("syncs", () => {
    let connectionId;
    let modelId;

    before(async () => {
        connectionId = await createPostgresConnection();
        modelId = (await createCustomersModel(connectionId)).id;
    });

    test("create returns the stored sync with derived model ids", async () => {
        const request = customerSyncRequest(connectionId, modelId, {
            schedule: { frequency: "manual" },
            filters: [
                { field: { model_id: modelId, field: "active" }, function: "True", label: "A" },
                { field_id: "score", function: "GreaterThan", value: 10, label: "B" },
            ],
            filter_logic: "A AND B",
            override_fields: [{ override_value: "imported", target: "email" }],
        });
        request.fields = request.fields.filter((field) => field.target !== "email");

        const response = await client.modelSync.create(request);

        assertShape(response.data, schemas.sync, "$.data");
        assert.equal(response.data.name, request.name);
        assert.equal(response.data.mode, "updateOrCreate");
        assert.equal(response.data.active, true);
        assert.deepEqual(response.data.model_ids, [modelId]);
        assert.deepEqual(response.data.target, { connection_id: connectionId, object: "public.customer_copy" });
        assert.deepEqual(response.data.identity, request.identity);
        assert.equal(response.data.fields.length, customerColumns.length - 1);
        assert.equal(response.data.filters.length, 2);
        assert.equal(response.data.filter_logic, "A AND B");
        assert.deepEqual(response.data.override_fields, [{ override_value: "imported", target: "email" }]);
        assert.equal(response.data.schedule.frequency, "manual");
    });

    test("create without active leaves the sync inactive", async () => {
        const request = customerSyncRequest(connectionId, modelId);
        delete request.active;

        const response = await client.modelSync.create(request);

        assert.equal(response.data.active, false);
    });

    test("get and list return the sync", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId));
        const id = created.data.id;

        const got = await client.modelSync.get(id);
        const listed = await client.modelSync.list();
        const filtered = await client.modelSync.list({
            active: true,
            mode: "updateOrCreate",
            target_connection_id: connectionId,
        });
        const excluded = await client.modelSync.list({ mode: "append", target_connection_id: connectionId });

        assertShape(got.data, schemas.sync, "$.data");
        assert.deepEqual(got.data, created.data);
        assertShape(listed.data, { kind: "array", item: schemas.listedSync }, "$.data");
        assertShape(filtered.data, { kind: "array", item: schemas.listedSync }, "$.data");
        const item = filtered.data.find((sync) => sync.id === id);
        assert.ok(item, "the filtered list contains the sync");
        assert.equal(item.target_connection_id, connectionId);
        assert.equal(item.target_object, "public.customer_copy");
        assert.ok(!excluded.data.some((sync) => sync.id === id), "the mode filter excludes the sync");
    });

    test("update replaces the configuration", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId));
        const request = customerSyncRequest(connectionId, modelId, {
            name: uniqueName("updated"),
            active: false,
            schedule: { frequency: "daily", hour: "6", minute: "30" },
        });
        request.fields = request.fields.slice(0, 1);

        const response = await client.modelSync.update(created.data.id, request);
        const got = await client.modelSync.get(created.data.id);

        assertShape(response.data, schemas.sync, "$.data");
        assert.equal(response.data.name, request.name);
        assert.equal(response.data.active, false);
        assert.equal(response.data.fields.length, 1);
        assert.deepEqual(response.data.schedule, { frequency: "daily", hour: "6", minute: "30" });
        assert.deepEqual(got.data, response.data);
    });

    test("activate sets active and returns it", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId, { active: false }));

        const response = await client.modelSync.activate(created.data.id, { active: true });
        const got = await client.modelSync.get(created.data.id);

        assertShape(response.data, schemas.activateOutput, "$.data");
        assert.deepEqual(response.data, { id: created.data.id, active: true });
        assert.equal(got.data.active, true);
    });

    test("getStatus of a sync that never ran has no executions", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId));

        const response = await client.modelSync.getStatus(created.data.id);

        assertShape(response.data, schemas.syncStatus, "$.data");
        assert.equal(response.data.current_execution ?? null, null);
        assert.equal(response.data.last_execution ?? null, null);
    });

    test("getStatus reports the next scheduled start", async () => {
        const created = await client.modelSync.create(
            customerSyncRequest(connectionId, modelId, { schedule: { frequency: "hourly", minute: "15" } }),
        );

        const response = await client.modelSync.getStatus(created.data.id);

        assertShape(response.data, schemas.syncStatus, "$.data");
        const next = new Date(response.data.next_execution_time);
        assert.equal(next.getUTCMinutes(), 15);
        assert.equal(next.getUTCSeconds(), 0);
        assert.ok(next > new Date(), `next_execution_time ${response.data.next_execution_time} is in the past`);
    });

    test("create rejects an out-of-range schedule part", async () => {
        const request = customerSyncRequest(connectionId, modelId, { schedule: { frequency: "daily", hour: "24", minute: "0" } });

        await assertApiError(client.modelSync.create(request), Polytomic.UnprocessableEntityError, 422, "invalid_schedule");
    });

    test("remove deletes the sync", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId));

        const result = await client.modelSync.remove(created.data.id);

        assert.equal(result, undefined);
        await assertApiError(client.modelSync.get(created.data.id), Polytomic.NotFoundError, 404, "not_found");
    });

    test("unknown id raises NotFoundError on every sync method", async () => {
        const id = unknownId();

        await assertApiError(client.modelSync.get(id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(
            client.modelSync.update(id, customerSyncRequest(connectionId, modelId)),
            Polytomic.NotFoundError,
            404,
            "not_found",
        );
        await assertApiError(client.modelSync.remove(id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(
            client.modelSync.activate(id, { active: true }),
            Polytomic.NotFoundError,
            404,
            "not_found",
        );
        await assertApiError(client.modelSync.cancel(id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.modelSync.start(id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.modelSync.getStatus(id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.modelSync.executions.list(id), Polytomic.NotFoundError, 404, "not_found");
    });

    test("create with an unknown mode raises BadRequestError", async () => {
        const error = await assertApiError(
            client.modelSync.create(customerSyncRequest(connectionId, modelId, { mode: "replicate" })),
            Polytomic.BadRequestError,
            400,
            "invalid_field",
        );

        assert.equal(error.body.metadata?.field, "mode");
    });

    test("create without fields raises BadRequestError", async () => {
        const request = customerSyncRequest(connectionId, modelId);
        delete request.fields;

        await assertApiError(client.modelSync.create(request), Polytomic.BadRequestError, 400, "missing_field");
    });

    test("create with new_name creates the target table that the sync fills", async () => {
        const table = `customer_new_${randomUUID().slice(0, 8)}`;
        const request = customerSyncRequest(connectionId, modelId, {
            target: { connection_id: connectionId, new_name: table, create: { schema: "public" } },
        });

        const response = await client.modelSync.create(request);

        assertShape(response.data, schemas.sync, "$.data");
        assert.deepEqual(response.data.target, { connection_id: connectionId, object: `public.${table}` });
        const fields = await client.modelSync.targets.getTargetFields(connectionId, { target: `public.${table}` });
        assert.deepEqual(
            fields.data.fields.map((field) => field.id),
            ["id", ...customerColumns],
        );
        const started = await client.modelSync.start(response.data.id, {});
        const finished = await waitForExecution(response.data.id, started.data.id);
        assert.equal(finished.status, "completed", `errors: ${JSON.stringify(finished.errors)}`);
        assert.equal(finished.counts.insert, 500);
        assert.equal(finished.counts.error, 0);
    });

    test("create with new_name of an existing table raises UnprocessableEntityError", async () => {
        const request = customerSyncRequest(connectionId, modelId, {
            target: { connection_id: connectionId, new_name: "customer_copy", create: { schema: "public" } },
        });

        const error = await assertApiError(
            client.modelSync.create(request),
            Polytomic.UnprocessableEntityError,
            422,
            "target_object_exists",
        );
        assert.equal(error.body.metadata.field, "target.new_name");
    });

    test("create on an unknown model raises UnprocessableEntityError", async () => {
        await assertApiError(
            client.modelSync.create(customerSyncRequest(connectionId, unknownId())),
            Polytomic.UnprocessableEntityError,
            422,
            "model_not_found",
        );
    });

    test("create with an unknown target field raises UnprocessableEntityError", async () => {
        const request = customerSyncRequest(connectionId, modelId);
        request.fields.push({ source: { model_id: modelId, field: "email" }, target: "no_such_column" });

        const error = await assertApiError(
            client.modelSync.create(request),
            Polytomic.UnprocessableEntityError,
            422,
            "invalid_field_mapping",
        );

        assert.equal(error.body.metadata?.field, `fields[${customerColumns.length}].target`);
    });

    test("create without identity for an upsert raises UnprocessableEntityError", async () => {
        const request = customerSyncRequest(connectionId, modelId);
        delete request.identity;

        await assertApiError(
            client.modelSync.create(request),
            Polytomic.UnprocessableEntityError,
            422,
            "missing_identity",
        );
    });

    test("update with an unknown target object raises UnprocessableEntityError", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId));
        const request = customerSyncRequest(connectionId, modelId, {
            target: { connection_id: connectionId, object: "public.no_such_table" },
        });

        await assertApiError(
            client.modelSync.update(created.data.id, request),
            Polytomic.UnprocessableEntityError,
            422,
            "target_object_not_found",
        );
    });

    test("start of an inactive sync raises ConflictError", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId, { active: false }));

        await assertApiError(client.modelSync.start(created.data.id), Polytomic.ConflictError, 409, "sync_inactive");
    });

    test("cancel with nothing running returns a message", async () => {
        const created = await client.modelSync.create(customerSyncRequest(connectionId, modelId));

        const response = await client.modelSync.cancel(created.data.id);

        assertShape(response.data, schemas.cancelOutput, "$.data");
        assert.ok(response.data.message.length > 0);
    });

    test("getScheduleOptions lists the frequencies", unserved.scheduleOptions, async () => {
        const response = await client.modelSync.getScheduleOptions();

        assertShape(response.data, schemas.scheduleOptions, "$.data");
        const frequencies = response.data.schedule_options.map((option) => option.frequency);
        assert.ok(frequencies.includes("manual"), `frequencies: ${frequencies.join(", ")}`);
    });
});
