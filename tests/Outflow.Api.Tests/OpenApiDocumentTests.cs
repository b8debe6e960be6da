using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Outflow.Api.Tests;

public sealed class OpenApiDocumentTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private static readonly string[] OperationMethods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task Document_without_key_is_openapi_3_json()
    {
        using var client = server.CreateClient(null);
        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.StartsWith("3.", response.Body!["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Outflow API", response.Body["info"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_lists_every_mapped_endpoint_with_summary()
    {
        var document = await GetDocumentAsync();
        var mapped = MappedEndpoints();

        // Guards against an enumeration that finds nothing, which would make the loop below vacuous.
        Assert.Contains(mapped, endpoint => endpoint.Method == "get" && endpoint.Path == "/api/syncs/{sync_id}/executions/{id}");
        Assert.Contains(mapped, endpoint => endpoint.Method == "post" && endpoint.Path == "/api/connections");
        foreach (var endpoint in mapped)
        {
            var operation = document["paths"]?[endpoint.Path]?[endpoint.Method];
            Assert.True(operation is not null, $"{endpoint.Method} {endpoint.Path} is mapped but missing from the document");
            Assert.False(
                string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()),
                $"{endpoint.Method} {endpoint.Path} has no summary: add .WithSummary(...) where it is mapped");
            Assert.True(endpoint.Name is not null, $"{endpoint.Method} {endpoint.Path} has no name: add .WithName(...) where it is mapped");
            Assert.Equal(endpoint.Name, operation["operationId"]?.GetValue<string>());
        }

        var documented = DocumentedOperations(document);
        foreach (var (method, path) in documented)
        {
            Assert.True(
                mapped.Any(endpoint => endpoint.Method == method && endpoint.Path == path),
                $"the document lists {method} {path}, which the server does not map");
        }

        Assert.Equal(mapped.Count, documented.Count);
    }

    [Fact]
    public async Task Document_operations_unique_and_tagged()
    {
        var document = await GetDocumentAsync();
        var operations = DocumentedOperations(document)
            .Select(operation => (operation.Path, Node: document["paths"]![operation.Path]![operation.Method]!))
            .ToList();

        var ids = operations.Select(operation => operation.Node["operationId"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var (path, node) in operations.Where(operation => operation.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            Assert.True(node["tags"] is JsonArray { Count: > 0 }, $"{path} has no tag");
        }
    }

    [Fact]
    public async Task Document_declares_key_security_schemes()
    {
        var document = await GetDocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!;

        Assert.Equal("http", schemes["bearerUserAPIKey"]!["type"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearerUserAPIKey"]!["scheme"]!.GetValue<string>());
        Assert.Equal("http", schemes["orgScopedAPIKey"]!["type"]!.GetValue<string>());
        Assert.Equal("basic", schemes["orgScopedAPIKey"]!["scheme"]!.GetValue<string>());

        var getSync = document["paths"]!["/api/syncs/{id}"]!["get"]!;
        var requirements = getSync["security"]!.AsArray().SelectMany(requirement => requirement!.AsObject().Select(entry => entry.Key)).ToList();
        Assert.Equal(["bearerUserAPIKey", "orgScopedAPIKey"], requirements);
        Assert.Contains("401", getSync["responses"]!.AsObject().Select(entry => entry.Key));

        // The signed download URL is its own credential.
        var download = document["paths"]!["/api/logs/download/{token}"]!["get"]!;
        Assert.Null(download["security"]);
        Assert.DoesNotContain("401", download["responses"]!.AsObject().Select(entry => entry.Key));
        Assert.Null(document["paths"]!["/healthz"]!["get"]!["security"]);
    }

    [Fact]
    public async Task Document_lists_parameters_with_wire_names()
    {
        var document = await GetDocumentAsync();

        var listSyncs = Parameters(document, "/api/syncs", "get");
        Assert.Equal("header", listSyncs["X-Polytomic-Version"]!["in"]!.GetValue<string>());
        Assert.Contains("2025-09-18", listSyncs["X-Polytomic-Version"]!["schema"]!["enum"]!.AsArray().Select(value => value!.GetValue<string>()));
        foreach (var name in new[] { "active", "mode", "target_connection_id", "page_token", "limit" })
        {
            Assert.True(listSyncs.ContainsKey(name), $"List Syncs does not list query parameter {name}");
            Assert.Equal("query", listSyncs[name]!["in"]!.GetValue<string>());
        }

        Assert.Equal("boolean", listSyncs["active"]!["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("uuid", listSyncs["target_connection_id"]!["schema"]!["format"]!.GetValue<string>());

        var listExecutions = Parameters(document, "/api/syncs/{sync_id}/executions", "get");
        Assert.Equal("path", listExecutions["sync_id"]!["in"]!.GetValue<string>());
        Assert.Equal("query", listExecutions["page_token"]!["in"]!.GetValue<string>());
        Assert.Equal("query", listExecutions["only_completed"]!["in"]!.GetValue<string>());
        Assert.Equal("query", listExecutions["ascending"]!["in"]!.GetValue<string>());

        var deleteConnection = Parameters(document, "/api/connections/{id}", "delete");
        Assert.Equal("query", deleteConnection["force"]!["in"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_lists_rate_limit_and_idempotency()
    {
        var document = await GetDocumentAsync();

        var startSync = document["paths"]!["/api/syncs/{id}/executions"]!["post"]!;
        var tooMany = startSync["responses"]!["429"]!;
        Assert.NotNull(tooMany["headers"]!["Retry-After"]);
        Assert.Equal("integer", tooMany["headers"]!["Retry-After"]!["schema"]!["type"]!.GetValue<string>());
        Assert.NotNull(startSync["responses"]!["409"]);
        Assert.NotNull(startSync["responses"]!["422"]);
        var key = Parameters(document, "/api/syncs/{id}/executions", "post")["Idempotency-Key"];
        Assert.Equal("header", key["in"]!.GetValue<string>());
        Assert.Equal(255, key["schema"]!["maxLength"]!.GetValue<int>());

        Assert.NotNull(document["paths"]!["/api/syncs/{id}"]!["get"]!["responses"]!["429"]);
        Assert.False(Parameters(document, "/api/syncs/{id}", "get").ContainsKey("Idempotency-Key"));
        Assert.True(Parameters(document, "/api/connections/{id}", "delete").ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task Document_types_request_bodies_and_error_responses()
    {
        var document = await GetDocumentAsync();
        var schemas = new OpenApiSchemaCheck(document);

        var createSync = document["paths"]!["/api/syncs"]!["post"]!;
        var body = schemas.Resolve(createSync["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.NotNull(body["properties"]!["target"]);
        Assert.NotNull(body["properties"]!["filter_logic"]);
        Assert.Equal(
            ["append", "create", "remove", "replace", "snapshot", "update", "updateOrCreate"],
            schemas.Resolve(document["components"]!["schemas"]!["SyncMode"]!)["enum"]!.AsArray().Select(value => value!.GetValue<string>()).Order(StringComparer.Ordinal));

        var error = schemas.Resolve(schemas.ResponseSchema("/api/syncs/{id}/executions", "post", "409"));
        Assert.Equal(["status", "key", "message", "metadata", "error", "code"], error["properties"]!.AsObject().Select(entry => entry.Key));
        Assert.Contains("execution_in_progress", error["properties"]!["key"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_response_matches_documented_schema()
    {
        var schemas = new OpenApiSchemaCheck(await GetDocumentAsync());
        var response = await server.Client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Empty(schemas.Problems(schemas.ResponseSchema("/api/me", "get", "200"), response.Body, "$"));
    }

    [Fact]
    public async Task Connection_and_sync_responses_match_documented_schemas()
    {
        var schemas = new OpenApiSchemaCheck(await GetDocumentAsync());
        var (_, client) = await server.CreateOrganizationAsync();
        var setup = await TestObjects.CreateSyncAsync(server, client);

        var connection = await client.GetAsync($"/api/connections/{setup.SourceConnectionId}");
        Assert.Equal(HttpStatusCode.OK, connection.Status);
        Assert.Empty(schemas.Problems(schemas.ResponseSchema("/api/connections/{id}", "get", "200"), connection.Body, "$"));

        var model = await client.GetAsync($"/api/models/{setup.ModelId}");
        Assert.Equal(HttpStatusCode.OK, model.Status);
        Assert.Empty(schemas.Problems(schemas.ResponseSchema("/api/models/{id}", "get", "200"), model.Body, "$"));

        var sync = await client.GetAsync($"/api/syncs/{setup.SyncId}");
        Assert.Equal(HttpStatusCode.OK, sync.Status);
        Assert.Empty(schemas.Problems(schemas.ResponseSchema("/api/syncs/{id}", "get", "200"), sync.Body, "$"));

        var list = await client.GetAsync("/api/syncs");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Single(list.Data.AsArray());
        Assert.Empty(schemas.Problems(schemas.ResponseSchema("/api/syncs", "get", "200"), list.Body, "$"));
    }

    [Fact]
    public async Task Error_responses_match_documented_schema()
    {
        var schemas = new OpenApiSchemaCheck(await GetDocumentAsync());

        var notFound = await server.Client.GetAsync($"/api/syncs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, notFound.Status);
        Assert.Empty(schemas.Problems(schemas.ResponseSchema("/api/syncs/{id}", "get", "404"), notFound.Body, "$"));

        using var anonymous = server.CreateClient(null);
        var unauthorized = await anonymous.GetAsync("/api/syncs");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.Empty(schemas.Problems(schemas.ResponseSchema("/api/syncs", "get", "401"), unauthorized.Body, "$"));
    }

    /// <summary>Adding a property to a schema must not hide a property the wire leaves out.</summary>
    [Fact]
    public void Schema_check_reports_undeclared_and_missing_properties()
    {
        var document = JsonNode.Parse("""
            {"components": {"schemas": {"Thing": {"type": "object", "required": ["id"],
              "properties": {"id": {"type": "string"}, "count": {"type": ["null", "integer"]}}}}}}
            """)!;
        var schemas = new OpenApiSchemaCheck(document);
        var schema = JsonNode.Parse("""{"$ref": "#/components/schemas/Thing"}""")!;

        Assert.Empty(schemas.Problems(schema, JsonNode.Parse("""{"id": "a", "count": null}"""), "$"));
        Assert.Equal(["$.Id: the schema does not declare this property", "$.id: required by the schema but absent"],
            schemas.Problems(schema, JsonNode.Parse("""{"Id": "a"}"""), "$"));
        Assert.Equal(["$.count: string where the schema allows null|integer"],
            schemas.Problems(schema, JsonNode.Parse("""{"id": "a", "count": "1"}"""), "$"));
    }

    private async Task<JsonNode> GetDocumentAsync()
    {
        using var client = server.CreateClient(null);
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body!;
    }

    /// <summary>Every route the server maps for an HTTP method, except those deliberately left out of the document.</summary>
    private List<(string Method, string Path, string? Name)> MappedEndpoints()
    {
        var routes = (IEndpointRouteBuilder)server.Server.Application;
        return routes.DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => (
                    method.ToLowerInvariant(),
                    PathOf(endpoint.RoutePattern),
                    endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName)))
            .ToList();
    }

    private static string PathOf(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"unexpected route pattern part {part}"),
        }))));

    private static List<(string Method, string Path)> DocumentedOperations(JsonNode document) =>
        document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject()
                .Where(entry => OperationMethods.Contains(entry.Key))
                .Select(entry => (entry.Key, path.Key)))
            .ToList();

    private static Dictionary<string, JsonNode> Parameters(JsonNode document, string path, string method) =>
        document["paths"]![path]![method]!["parameters"]!.AsArray()
            .ToDictionary(parameter => parameter!["name"]!.GetValue<string>(), parameter => parameter!, StringComparer.Ordinal);
}
