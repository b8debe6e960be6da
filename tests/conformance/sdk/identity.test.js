// Identity, authentication and API versions through the SDK's client options.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Polytomic, assertApiError, assertShape, client, createClient, schemas } from "./setup.js";

describe("identity", () => {
    test("identity.get returns the key's organization", async () => {
        const response = await client.identity.get();

        assertShape(response.data, schemas.identity, "$.data");
        assert.equal(response.data.is_partner ?? false, false);
    });

    test("unknown token raises UnauthorizedError with both 401 shapes", async () => {
        const stranger = createClient({ token: "not-a-key-of-this-server" });

        const error = await assertApiError(
            stranger.connections.list(),
            Polytomic.UnauthorizedError,
            401,
            "unauthorized",
        );

        // SDK 1.18.1 types the 401 body as RestErrResponse: `error` is a string and `code` an integer.
        assert.equal(typeof error.body.error, "string");
        assert.equal(error.body.code, 401);
    });

    test("every known X-Polytomic-Version is accepted", async () => {
        for (const version of ["2021-05-23", "2022-12-12", "2023-04-25", "2024-02-08", "2025-09-18"]) {
            const versioned = createClient({ version });

            const response = await versioned.identity.get();

            assert.ok(response.data.organization_id, `version ${version}`);
        }
    });

    test("unknown X-Polytomic-Version raises BadRequestError", async () => {
        const versioned = createClient({ version: "1999-01-01" });

        // identity.get declares no 400, so List Syncs, which does, shows the typed error.
        await assertApiError(versioned.modelSync.list(), Polytomic.BadRequestError, 400, "invalid_api_version");
    });
});
