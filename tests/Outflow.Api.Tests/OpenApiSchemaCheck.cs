using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>
/// Checks a JSON value against a schema of an OpenAPI 3.1 document: types, enums, required properties, and that
/// every property of an object with declared properties is one of them. Covers the keywords the generated
/// document uses (<c>$ref</c>, <c>oneOf</c>, <c>type</c>, <c>enum</c>, <c>properties</c>, <c>required</c>, <c>items</c>).
/// </summary>
public sealed class OpenApiSchemaCheck(JsonNode document)
{
    private const string ComponentPrefix = "#/components/schemas/";

    /// <summary>Returns the schema of one response, e.g. <c>("/api/syncs/{id}", "get", "200")</c>.</summary>
    public JsonNode ResponseSchema(string path, string method, string status) =>
        document["paths"]?[path]?[method]?["responses"]?[status]?["content"]?["application/json"]?["schema"]
            ?? throw new InvalidOperationException($"the document declares no JSON body for {method} {path} {status}");

    public JsonNode Resolve(JsonNode schema)
    {
        while (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            Assert.StartsWith(ComponentPrefix, reference, StringComparison.Ordinal);
            schema = document["components"]?["schemas"]?[reference[ComponentPrefix.Length..]]
                ?? throw new InvalidOperationException($"the document has no schema {reference}");
        }

        return schema;
    }

    /// <summary>Returns every way <paramref name="value"/> breaks <paramref name="schema"/>, each with its JSON path.</summary>
    public List<string> Problems(JsonNode schema, JsonNode? value, string path)
    {
        schema = Resolve(schema);
        if (schema["oneOf"] is JsonArray alternatives)
        {
            var results = alternatives.Select(alternative => Problems(alternative!, value, path)).ToList();
            return results.Any(problems => problems.Count == 0) ? [] : results.SelectMany(problems => problems).ToList();
        }

        var problems = new List<string>();
        var kind = KindOf(value);
        var allowed = AllowedTypes(schema);
        if (allowed.Count > 0 && !allowed.Contains(kind) && !(kind == "integer" && allowed.Contains("number")))
        {
            problems.Add($"{path}: {kind} where the schema allows {string.Join("|", allowed)}");
            return problems;
        }

        if (schema["enum"] is JsonArray values && value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String
            && !values.Any(member => member?.GetValue<string>() == scalar.GetValue<string>()))
        {
            problems.Add($"{path}: \"{scalar.GetValue<string>()}\" is not in the enum");
        }

        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertyValue) in obj)
            {
                if (properties[name] is { } propertySchema)
                {
                    problems.AddRange(Problems(propertySchema, propertyValue, $"{path}.{name}"));
                }
                else
                {
                    problems.Add($"{path}.{name}: the schema does not declare this property");
                }
            }

            foreach (var required in schema["required"]?.AsArray() ?? [])
            {
                if (!obj.ContainsKey(required!.GetValue<string>()))
                {
                    problems.Add($"{path}.{required}: required by the schema but absent");
                }
            }
        }

        if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                problems.AddRange(Problems(items, array[i], $"{path}[{i}]"));
            }
        }

        return problems;
    }

    private static List<string> AllowedTypes(JsonNode schema) => schema["type"] switch
    {
        JsonArray types => types.Select(type => type!.GetValue<string>()).ToList(),
        JsonValue type => [type.GetValue<string>()],
        _ => [],
    };

    private static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => scalar.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
            _ => "null",
        },
        _ => "null",
    };
}
