// Models through client.models and client.jobs: create, list, get, update, remove, preview, sample, async jobs and their errors.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
    Polytomic,
    PolytomicError,
    assertApiError,
    assertShape,
    client,
    createCustomersModel,
    createPostgresConnection,
    customerSyncRequest,
    schemas,
    uniqueName,
    unknownId,
} from "./setup.js";

/** Polls client.jobs.get until the job is done or failed, checking its shape on every poll. */
async function waitForJob(job) {
    assertShape(job, schemas.job, "$.job");
    const deadline = Date.now() + 30_000;
    for (;;) {
        const response = await client.jobs.get(job.job_id, job.type);
        assertShape(response.data, schemas.job, "$.data");
        assert.equal(response.data.job_id, job.job_id);
        assert.equal(response.data.type, job.type);
        if (response.data.status === "done" || response.data.status === "failed") {
            return response.data;
        }
        assert.ok(Date.now() < deadline, `job ${job.job_id} is still ${response.data.status} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

describe("models", () => {
    let connectionId;

    before(async () => {
        connectionId = await createPostgresConnection();
    });

    test("create discovers the table's fields", async () => {
        const name = uniqueName("customers");

        const response = await client.models.create({
            body: {
                name,
                connection_id: connectionId,
                configuration: { table: "public.customers" },
                identifier: "id",
                tracking_columns: ["score"],
            },
        });

        assertShape(response.data, schemas.model, "$.data");
        assert.equal(response.job, undefined);
        assert.equal(response.data.name, name);
        assert.equal(response.data.connection_id, connectionId);
        assert.equal(response.data.identifier, "id");
        assert.deepEqual(response.data.tracking_columns, ["score"]);
        assert.deepEqual(response.data.configuration, { table: "public.customers" });
        const types = Object.fromEntries(response.data.fields.map((field) => [field.name, field.type]));
        assert.deepEqual(types, {
            id: "number",
            email: "string",
            score: "number",
            signed_up: "datetime",
            active: "boolean",
        });
    });

    test("create with async true returns a job whose result is the model", async () => {
        const response = await client.models.create({
            async: true,
            body: {
                name: uniqueName("async"),
                connection_id: connectionId,
                configuration: { query: "SELECT id, email FROM public.customers" },
            },
        });

        assert.equal(response.data, undefined);
        assert.equal(response.job.type, "createmodel");
        const job = await waitForJob(response.job);
        assert.equal(job.status, "done");
        assertShape(job.result, schemas.model, "$.data.result");
        assert.deepEqual(
            job.result.fields.map((field) => field.name),
            ["id", "email"],
        );
        assert.deepEqual((await client.models.get(job.result.id)).data, job.result);
    });

    test("update with async true returns a job whose result is the model", async () => {
        const model = await createCustomersModel(connectionId);

        const response = await client.models.update(model.id, {
            async: true,
            name: uniqueName("async-renamed"),
            connection_id: connectionId,
            configuration: { query: "SELECT id, score FROM public.customers" },
        });

        assert.equal(response.data, undefined);
        assert.equal(response.job.type, "updatemodel");
        const job = await waitForJob(response.job);
        assert.equal(job.status, "done");
        assertShape(job.result, schemas.model, "$.data.result");
        assert.equal(job.result.version, model.version + 1);
        assert.deepEqual((await client.models.get(model.id)).data, job.result);
    });

    test("async create with a failing query fails the job and saves nothing", async () => {
        const before = await client.models.list();

        const response = await client.models.create({
            async: true,
            body: {
                name: uniqueName("bad"),
                connection_id: connectionId,
                configuration: { query: "SELECT missing_column FROM public.customers" },
            },
        });
        const job = await waitForJob(response.job);
        const after = await client.models.list();

        assert.equal(job.status, "failed");
        assert.equal(job.result, undefined);
        assert.match(job.error, /missing_column/);
        assert.equal(after.data.length, before.data.length);
    });

    test("get and list return the model", async () => {
        const model = await createCustomersModel(connectionId);

        const got = await client.models.get(model.id);
        const gotAsync = await client.models.get(model.id, { async: true });
        const listed = await client.models.list();

        assertShape(got.data, schemas.model, "$.data");
        assert.deepEqual(got.data, model);
        assert.deepEqual(gotAsync.data, model);
        assertShape(listed.data, { kind: "array", item: schemas.model }, "$.data");
        assert.ok(listed.data.some((item) => item.id === model.id));
    });

    test("update replaces the query and rediscovers fields", async () => {
        const model = await createCustomersModel(connectionId);
        const name = uniqueName("renamed");

        const response = await client.models.update(model.id, {
            name,
            connection_id: connectionId,
            configuration: { query: "SELECT id, email, score * 2 AS double_score FROM public.customers" },
            identifier: "id",
        });

        assertShape(response.data, schemas.model, "$.data");
        assert.equal(response.data.name, name);
        assert.deepEqual(
            response.data.fields.map((field) => field.name),
            ["id", "email", "double_score"],
        );
        assert.ok(response.data.version > model.version, "version increases on update");
    });

    test("remove deletes the model", async () => {
        const model = await createCustomersModel(connectionId);

        const result = await client.models.remove(model.id);

        assert.equal(result, undefined);
        await assertApiError(client.models.get(model.id), Polytomic.NotFoundError, 404, "not_found");
    });

    test("remove of a model in use raises an ApiError", async () => {
        const model = await createCustomersModel(connectionId);
        await client.modelSync.create(customerSyncRequest(connectionId, model.id, { active: false }));

        // models.remove declares no 422, so the SDK raises its base class with the status and body.
        await assertApiError(client.models.remove(model.id), PolytomicError, 422, "model_in_use");
    });

    test("unknown id raises NotFoundError on get, update and remove", async () => {
        const id = unknownId();
        const body = { name: "x", connection_id: connectionId, configuration: { table: "public.customers" } };

        await assertApiError(client.models.get(id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.models.update(id, body), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.models.remove(id), Polytomic.NotFoundError, 404, "not_found");
    });

    test("create without a configuration raises BadRequestError", async () => {
        await assertApiError(
            client.models.create({ body: { name: uniqueName("bad"), connection_id: connectionId } }),
            Polytomic.BadRequestError,
            400,
            "missing_field",
        );
    });

    test("create on an unknown connection raises an ApiError", async () => {
        // models.create declares no 422, so the SDK raises its base class with the status and body.
        await assertApiError(
            client.models.create({
                body: { name: uniqueName("bad"), connection_id: unknownId(), configuration: { table: "public.x" } },
            }),
            PolytomicError,
            422,
            "connection_not_found",
        );
    });

    test("create with a failing query raises an ApiError", async () => {
        const error = await assertApiError(
            client.models.create({
                body: {
                    name: uniqueName("bad"),
                    connection_id: connectionId,
                    configuration: { query: "SELECT missing_column FROM public.customers" },
                },
            }),
            PolytomicError,
            422,
            "model_query_failed",
        );

        assert.match(error.body.message, /missing_column/);
    });

    test("getEnrichmentSource of a non-enriching connection fails", async () => {
        // No Outflow connection type can enrich, and a connection that cannot enrich gets 404.
        await assertApiError(client.models.getEnrichmentSource(connectionId), Polytomic.NotFoundError, 404);
    });

    test("enrichment input fields of a non-enriching connection fail", async () => {
        await assertApiError(client.models.post(connectionId, {}), Polytomic.NotFoundError, 404);
    });

    test("preview returns fields without saving", async () => {
        const before = await client.models.list();

        const response = await client.models.preview({
            body: {
                name: uniqueName("preview"),
                connection_id: connectionId,
                configuration: { table: "public.customers" },
            },
        });
        const after = await client.models.list();

        assertShape(response.data, schemas.previewModel, "$.data");
        assert.equal(response.job, undefined);
        assert.equal(response.data.id, undefined);
        assert.equal(response.data.connection_id, connectionId);
        assert.deepEqual(
            response.data.fields.map((field) => field.name),
            ["id", "email", "score", "signed_up", "active"],
        );
        assert.equal(after.data.length, before.data.length);
    });

    test("sample returns records keyed by model id", async () => {
        const model = await createCustomersModel(connectionId);

        const response = await client.models.sample(model.id);

        assertShape(response.data, schemas.modelSample, "$.data");
        assert.equal(response.job, undefined);
        assert.deepEqual(response.data.warnings, []);
        assert.equal(response.data.records.length, 10);
        for (const record of response.data.records) {
            assert.deepEqual(Object.keys(record), [model.id]);
            assert.deepEqual(Object.keys(record[model.id]).sort(), ["active", "email", "id", "score", "signed_up"]);
            assert.equal(typeof record[model.id].id, "number");
            assert.equal(typeof record[model.id].email, "string");
            assert.equal(typeof record[model.id].score, "number");
            assert.match(record[model.id].signed_up, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$/);
            assert.equal(typeof record[model.id].active, "boolean");
        }
    });

    test("async sample is reported by jobs.get with the same records", async () => {
        const model = await createCustomersModel(connectionId);
        const inline = await client.models.sample(model.id);

        const response = await client.models.sample(model.id, { async: true });
        const job = await waitForJob(response.job);

        assert.equal(response.data, undefined);
        assert.equal(job.status, "done");
        assertShape(job.result, schemas.modelSample, "$.data.result");
        assert.deepEqual(job.result, inline.data);
    });

    test("sample of an unknown model raises NotFoundError", async () => {
        await assertApiError(client.models.sample(unknownId()), Polytomic.NotFoundError, 404, "not_found");
    });

    test("async preview is reported by jobs.get", async () => {
        const response = await client.models.preview({
            async: true,
            body: {
                name: uniqueName("preview"),
                connection_id: connectionId,
                configuration: { table: "public.customers" },
            },
        });
        assertShape(response.job, schemas.job, "$.job");
        assert.equal(response.data, undefined);
        assert.equal(response.job.type, "previewmodel");

        const job = await waitForJob(response.job);

        assert.equal(job.status, "done");
        assertShape(job.result, schemas.previewModel, "$.data.result");
        assert.ok(job.result.fields.some((field) => field.name === "email"));
        await assertApiError(client.jobs.get(response.job.job_id, "samplemodel"), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.jobs.get(unknownId(), "previewmodel"), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.jobs.get(unknownId(), "nosuchjob"), Polytomic.BadRequestError, 400, "invalid_job_type");
    });
});
