// Discovery of sources and targets through client.modelSync and client.modelSync.targets.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
    Polytomic,
    assertApiError,
    assertShape,
    client,
    createPostgresConnection,
    schemas,
    unknownId,
} from "./setup.js";

describe("discovery", () => {
    let connectionId;

    before(async () => {
        connectionId = await createPostgresConnection();
    });

    test("getSource offers table and query", async () => {
        const response = await client.modelSync.getSource(connectionId);
        const narrowed = await client.modelSync.getSource(connectionId, { params: { schema: ["public"] } });

        assertShape(response.data, schemas.sourceMeta, "$.data");
        assert.deepEqual([...response.data.requires_one_of].sort(), ["query", "table"]);
        assertShape(narrowed.data, schemas.sourceMeta, "$.data");
        assert.ok(narrowed.data.items.table.items.includes("public.customers"));
        await assertApiError(client.modelSync.getSource(unknownId()), Polytomic.NotFoundError, 404, "not_found");
    });

    test("getSourceFields lists a table's fields", async () => {
        const response = await client.modelSync.getSourceFields(connectionId, {
            params: { table: ["public.customers"] },
        });

        assertShape(response.data, { kind: "array", item: schemas.sourceField }, "$.data");
        assert.deepEqual(
            response.data.map((field) => field.name),
            ["id", "email", "score", "signed_up", "active"],
        );
    });

    test("targets.list returns tables with their modes", async () => {
        const response = await client.modelSync.targets.list(connectionId);

        assertShape(response.data, schemas.targetObjects.data, "$.data");
        assertShape(response.target_creation, schemas.targetObjects.targetCreation, "$.target_creation");
        const copy = response.data.find((item) => item.id === "public.customer_copy");
        assert.ok(copy, "public.customer_copy is a target object");
        assert.ok(copy.modes.some((mode) => mode.id === "updateOrCreate" && mode.requires_identity === true));
        assert.equal(response.target_creation.supported, true);
        assert.deepEqual(response.target_creation.properties, [{ id: "schema", title: "Schema", enum: true }]);
    });

    test("targets.getTarget answers the deprecated route", async () => {
        const response = await client.modelSync.targets.getTarget(connectionId);
        const narrowed = await client.modelSync.targets.getTarget(connectionId, { type: "public", search: "COPY" });

        assertShape(response.data, schemas.connectionMeta, "$.data");
        assert.ok(response.data.items.target.items.includes("public.customers"));
        assert.deepEqual(narrowed.data.items.target.items, ["public.customer_copy"]);
    });

    test("getTargetFields lists fields and identity functions", async () => {
        const response = await client.modelSync.targets.getTargetFields(connectionId, {
            target: "public.customer_copy",
        });

        assertShape(response.data, schemas.targetFields, "$.data");
        assert.equal(response.data.id, "public.customer_copy");
        const id = response.data.fields.find((field) => field.id === "id");
        assert.equal(id.supports_identity, true);
        assert.deepEqual(
            id.identity_functions.map((identityFunction) => identityFunction.id),
            ["Equality"],
        );
        assert.ok(response.data.modes.some((mode) => mode.mode === "updateOrCreate"));
        await assertApiError(
            client.modelSync.targets.getTargetFields(connectionId, { target: "public.no_such_table" }),
            Polytomic.NotFoundError,
            404,
        );
    });

    test("getCreateProperty of schema lists public", async () => {
        const response = await client.modelSync.targets.getCreateProperty(connectionId, "schema");

        assertShape(response.data, schemas.targetPropertyValues, "$.data");
        assert.equal(response.data.id, "schema");
        assert.equal(response.data.enum, true);
        assert.ok(
            response.data.values.some((value) => value.value === "public"),
            `values ${JSON.stringify(response.data.values)}`,
        );
    });

    test("getCreateProperty of an unknown property fails", async () => {
        await assertApiError(
            client.modelSync.targets.getCreateProperty(connectionId, "no_such_property"),
            Polytomic.NotFoundError,
            404,
        );
    });
});
