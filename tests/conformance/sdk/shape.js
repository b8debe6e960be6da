// A small checker of JSON response shapes against the types of Polytomic's TypeScript SDK. The SDK
// returns response bodies without validating them, so a misspelt field name or a wrong JSON type reaches
// the caller unnoticed unless a test compares it with the SDK's declared interface.
import assert from "node:assert/strict";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// RFC 3339 in UTC with a `Z`, optionally with fractional seconds.
const utcTimestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Describes a JSON array whose items all match `item`. */
export function arrayOf(item) {
    return { kind: "array", item };
}

/** Describes a JSON object with string keys whose values all match `value`. */
export function mapOf(value) {
    return { kind: "map", value };
}

/** Describes one of the listed string values, compared exactly. */
export function oneOf(...values) {
    return { kind: "enum", values };
}

/** Describes a value that matches `inner` or is JSON null. */
export function nullable(inner) {
    return { kind: "nullable", inner };
}

/**
 * Describes a JSON object. `fields` maps every property the SDK declares to its description, and
 * `required` lists the properties Outflow must send. `extra` maps the properties Outflow may send beyond
 * the SDK's type to their descriptions. Any other property fails the check, so a misspelt name shows up.
 */
export function object(fields, { required = [], extra = {} } = {}) {
    return { kind: "object", fields, required, extra };
}

/**
 * Asserts that `value` matches `spec`: a description built by the functions above, or one of the names
 * "string", "uuid", "date-time", "integer", "number", "boolean", "object" or "any".
 */
export function assertShape(value, spec, path = "$") {
    if (typeof spec === "string") {
        assertScalar(value, spec, path);
        return;
    }

    switch (spec.kind) {
        case "nullable":
            if (value !== null) {
                assertShape(value, spec.inner, path);
            }
            return;
        case "enum":
            assert.ok(
                spec.values.includes(value),
                `${path} is ${JSON.stringify(value)}, expected one of ${spec.values.join(", ")}`,
            );
            return;
        case "array":
            assert.ok(Array.isArray(value), `${path} is ${describe(value)}, expected an array`);
            value.forEach((item, index) => assertShape(item, spec.item, `${path}[${index}]`));
            return;
        case "map":
            assertPlainObject(value, path);
            for (const [key, item] of Object.entries(value)) {
                assertShape(item, spec.value, `${path}.${key}`);
            }
            return;
        case "object":
            assertObject(value, spec, path);
            return;
        default:
            throw new Error(`unknown shape kind ${spec.kind} at ${path}`);
    }
}

function assertObject(value, spec, path) {
    assertPlainObject(value, path);
    for (const name of spec.required) {
        assert.ok(Object.hasOwn(value, name), `${path}.${name} is missing`);
    }
    for (const [name, item] of Object.entries(value)) {
        const declared = Object.hasOwn(spec.fields, name);
        assert.ok(
            declared || Object.hasOwn(spec.extra, name),
            `${path}.${name} is not a property of the SDK's type (properties: ${Object.keys(spec.fields).join(", ")})`,
        );
        // The SDK types optional properties as `T | undefined`, so a caller that checks `!= null` reads an
        // omitted property and JSON null alike. Only required properties must not be null.
        if (item === null && !spec.required.includes(name)) {
            continue;
        }
        assertShape(item, declared ? spec.fields[name] : spec.extra[name], `${path}.${name}`);
    }
}

function assertScalar(value, name, path) {
    switch (name) {
        case "any":
            return;
        case "string":
            assert.equal(typeof value, "string", `${path} is ${describe(value)}, expected a string`);
            return;
        case "uuid":
            assert.ok(
                typeof value === "string" && uuidPattern.test(value),
                `${path} is ${describe(value)}, expected a lowercase hyphenated UUID`,
            );
            return;
        case "date-time":
            assert.ok(
                typeof value === "string" && utcTimestampPattern.test(value),
                `${path} is ${describe(value)}, expected an RFC 3339 UTC timestamp ending in Z`,
            );
            return;
        case "integer":
            assert.ok(Number.isInteger(value), `${path} is ${describe(value)}, expected an integer`);
            return;
        case "number":
            assert.equal(typeof value, "number", `${path} is ${describe(value)}, expected a number`);
            return;
        case "boolean":
            assert.equal(typeof value, "boolean", `${path} is ${describe(value)}, expected a boolean`);
            return;
        case "object":
            assertPlainObject(value, path);
            return;
        default:
            throw new Error(`unknown scalar shape ${name} at ${path}`);
    }
}

function assertPlainObject(value, path) {
    assert.ok(
        value !== null && typeof value === "object" && !Array.isArray(value),
        `${path} is ${describe(value)}, expected a JSON object`,
    );
}

function describe(value) {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "an array";
    }
    return `${typeof value} ${JSON.stringify(value)}`;
}
