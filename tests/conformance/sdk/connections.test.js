// Connections through client.connections: types, create, list, get, update, remove and their errors.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    Polytomic,
    PolytomicError,
    assertApiError,
    assertShape,
    client,
    createCustomersModel,
    createPostgresConnection,
    postgresConfiguration,
    schemas,
    uniqueName,
    unknownId,
} from "./setup.js";

// Skip options for tests of routes that Outflow does not serve yet. Drop a test's option once its route
// is served.
const unserved = {
    connectionTypeSchema: {},
    testConnection: {},
    parameterValues: { skip: "GET /api/connections/{id}/parameter_values is not served yet" },
    typeParameterValues: { skip: "POST /api/connection_types/{type}/parameter_values is not served yet" },
};

describe("connections", () => {
    test("getTypes lists postgresql and sqlite with capabilities", async () => {
        const response = await client.connections.getTypes();

        assertShape(response.data, { kind: "array", item: schemas.connectionType }, "$.data");
        const ids = response.data.map((type) => type.id);
        assert.ok(ids.includes("postgresql"), `types: ${ids.join(", ")}`);
        assert.ok(ids.includes("sqlite"), `types: ${ids.join(", ")}`);
        const postgresql = response.data.find((type) => type.id === "postgresql");
        assert.equal(postgresql.capabilities.source, true);
        assert.equal(postgresql.capabilities.destination, true);
    });

    test("create returns the connection with its password masked", async () => {
        const name = uniqueName("create");

        const response = await client.connections.create({
            name,
            type: "postgresql",
            configuration: postgresConfiguration,
        });

        assertShape(response.data, schemas.createdConnection, "$.data");
        assert.equal(response.data.name, name);
        assert.equal(response.data.type.id, "postgresql");
        assert.equal(response.data.configuration.password, "********");
        assert.equal(response.data.configuration.hostname, "127.0.0.1");
        assert.equal(response.data.status, "healthy");
    });

    test("create with validate false saves an unreachable host", async () => {
        const response = await client.connections.create({
            name: uniqueName("unvalidated"),
            type: "postgresql",
            configuration: { ...postgresConfiguration, port: 1 },
            validate: false,
        });

        assertShape(response.data, schemas.createdConnection, "$.data");
        assert.equal(response.data.configuration.port, 1);
    });

    test("get and list return the created connection", async () => {
        const id = await createPostgresConnection();

        const got = await client.connections.get(id);
        const listed = await client.connections.list();

        assertShape(got.data, schemas.connection, "$.data");
        assert.equal(got.data.id, id);
        assert.equal(got.data.configuration.password, "********");
        assert.equal(got.data.configuration.port, postgresConfiguration.port);
        assertShape(listed.data, { kind: "array", item: schemas.connection }, "$.data");
        assert.ok(listed.data.some((connection) => connection.id === id));
    });

    test("update replaces the name and keeps a masked password", async () => {
        const id = await createPostgresConnection();
        const name = uniqueName("renamed");

        const response = await client.connections.update(id, {
            name,
            configuration: { ...postgresConfiguration, password: "********" },
        });
        const got = await client.connections.get(id);

        assertShape(response.data, schemas.createdConnection, "$.data");
        assert.equal(response.data.name, name);
        assert.equal(got.data.name, name);
        assert.equal(got.data.configuration.password, "********");
    });

    test("remove deletes the connection", async () => {
        const id = await createPostgresConnection();

        const result = await client.connections.remove(id);

        assert.equal(result, undefined);
        await assertApiError(client.connections.get(id), Polytomic.NotFoundError, 404, "not_found");
    });

    test("remove of a connection in use raises UnprocessableEntityError", async () => {
        const id = await createPostgresConnection();
        const model = await createCustomersModel(id);

        await assertApiError(
            client.connections.remove(id),
            Polytomic.UnprocessableEntityError,
            422,
            "connection_in_use",
        );
        await client.connections.remove(id, { force: true });

        await assertApiError(client.models.get(model.id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(client.connections.get(id), Polytomic.NotFoundError, 404, "not_found");
    });

    test("unknown id raises NotFoundError on get, update and remove", async () => {
        const id = unknownId();

        await assertApiError(client.connections.get(id), Polytomic.NotFoundError, 404, "not_found");
        await assertApiError(
            client.connections.update(id, { name: "x", configuration: postgresConfiguration }),
            Polytomic.NotFoundError,
            404,
            "not_found",
        );
        await assertApiError(client.connections.remove(id), Polytomic.NotFoundError, 404, "not_found");
    });

    test("malformed id raises NotFoundError", async () => {
        await assertApiError(client.connections.get("not-a-uuid"), Polytomic.NotFoundError, 404, "not_found");
    });

    test("create without a name raises BadRequestError", async () => {
        const error = await assertApiError(
            client.connections.create({ type: "postgresql", configuration: postgresConfiguration }),
            Polytomic.BadRequestError,
            400,
            "missing_field",
        );

        assert.equal(error.body.metadata?.field, "name");
    });

    test("create with a wrong JSON type raises BadRequestError", async () => {
        await assertApiError(
            client.connections.create({ name: 42, type: "postgresql", configuration: postgresConfiguration }),
            Polytomic.BadRequestError,
            400,
            "invalid_field",
        );
    });

    test("create of an unknown type raises UnprocessableEntityError", async () => {
        await assertApiError(
            client.connections.create({ name: uniqueName("bad type"), type: "oracle", configuration: {} }),
            Polytomic.UnprocessableEntityError,
            422,
            "unknown_connection_type",
        );
    });

    test("create of an unreachable host raises UnprocessableEntityError", async () => {
        await assertApiError(
            client.connections.create({
                name: uniqueName("unreachable"),
                type: "postgresql",
                configuration: { ...postgresConfiguration, port: 1 },
            }),
            Polytomic.UnprocessableEntityError,
            422,
            "connection_failed",
        );
    });

    test("create with an unknown configuration key raises UnprocessableEntityError", async () => {
        const error = await assertApiError(
            client.connections.create({
                name: uniqueName("unknown key"),
                type: "postgresql",
                configuration: { ...postgresConfiguration, passwrd: "typo" },
            }),
            Polytomic.UnprocessableEntityError,
            422,
            "invalid_configuration",
        );

        assert.ok(error instanceof PolytomicError);
    });

    test("getConnectionTypeSchema returns a JSON Schema", unserved.connectionTypeSchema, async () => {
        const schema = await client.connections.getConnectionTypeSchema("postgresql");

        assert.equal(typeof schema, "object");
        assert.equal(schema.type, "object");
        assert.equal(typeof schema.properties, "object");
        assert.ok(Object.hasOwn(schema.properties, "hostname"));
        await assertApiError(
            client.connections.getConnectionTypeSchema("oracle"),
            Polytomic.NotFoundError,
            404,
            "not_found",
        );
    });

    test("testConnection accepts a working configuration", unserved.testConnection, async () => {
        const result = await client.connections.testConnection({
            type: "postgresql",
            configuration: postgresConfiguration,
        });

        assert.equal(result, undefined);
        await assertApiError(
            client.connections.testConnection({
                type: "postgresql",
                configuration: { ...postgresConfiguration, port: 1 },
            }),
            PolytomicError,
            422,
        );
    });

    test("getParameterValues returns a map", unserved.parameterValues, async () => {
        const id = await createPostgresConnection();

        const response = await client.connections.getParameterValues(id);

        assertShape(
            response.data,
            {
                kind: "map",
                value: schemas.parameterValues,
            },
            "$.data",
        );
    });

    test("getTypeParameterValues returns a map", unserved.typeParameterValues, async () => {
        const response = await client.connections.getTypeParameterValues("postgresql", {
            field: "database",
            parameters: postgresConfiguration,
        });

        assertShape(response.data, { kind: "map", value: schemas.parameterValues }, "$.data");
    });
});
