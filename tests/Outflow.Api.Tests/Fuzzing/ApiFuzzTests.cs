using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outflow.Hosting;
using Xunit.Abstractions;

namespace Outflow.Api.Tests.Fuzzing;

/// <summary>
/// Sends malformed route values, query strings, headers and bodies to every route the server maps, over a real
/// socket, and checks that none gets a 5xx and every 4xx has an ApiError body. The seed and
/// the number of cases come from <c>OUTFLOW_FUZZ_SEED</c> and <c>OUTFLOW_FUZZ_ITERATIONS</c>.
/// </summary>
public sealed class ApiFuzzTests(ApiServerFixture fixture, ITestOutputHelper output) : IClassFixture<ApiServerFixture>
{
    // A fixed CsCheck seed, so that CI sends the same requests on every run.
    private const string DefaultSeed = "0000000000001";
    private const int DefaultIterations = 2500;

    private int _readOnlyChecks;

    private ApiServerFixture Server => fixture;

    [Fact]
    public async Task EveryRouteRejectsFuzzWithApiErrors()
    {
        var routes = DiscoverRoutes();
        Assert.Contains(routes, route => route.Pattern == "/api/syncs/{id}" && route.Method == "PUT");

        var values = await CreateObjectsAsync();
        var requests = new FuzzRequests(values, ValidBodies(values), ApiServerFixture.AdminKey);
        var raw = new RawHttpClient(Server.Server.BaseAddress);

        var seed = Environment.GetEnvironmentVariable("OUTFLOW_FUZZ_SEED") is { Length: > 0 } configured ? configured : DefaultSeed;
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("OUTFLOW_FUZZ_ITERATIONS"), CultureInfo.InvariantCulture, out var count)
            ? count
            : DefaultIterations;
        var cases = Gen.Select(
            Gen.Int[0, routes.Count - 1],
            Gen.Int[0, FuzzRequests.PathStrategies - 1],
            Gen.Int[0, FuzzRequests.QueryStrategies - 1],
            Gen.Int[0, FuzzRequests.HeaderStrategies - 1],
            Gen.Int[0, FuzzRequests.BodyStrategies - 1],
            Gen.Int[0, 1_000_000],
            (route, path, query, header, body, detail) => new FuzzCase(route, path, query, header, body, detail));

        var statuses = new SortedDictionary<int, int>();
        output.WriteLine($"fuzzing {routes.Count} routes with {iterations} requests, OUTFLOW_FUZZ_SEED={seed}");
        try
        {
            await cases.SampleAsync(
                async fuzz =>
                {
                    var route = routes[fuzz.Route];
                    var request = requests.Build(route, fuzz);
                    var response = await raw.SendAsync(request);
                    statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
                    CheckResponse(request, response);
                    await CheckReadOnlyFieldsAsync(route, fuzz, request, response, raw);
                    if (route.Method == "DELETE" && fuzz.Path == 0 && response.Status == StatusCodes.Status200OK)
                    {
                        // The valid ids must keep naming live objects for the cases after this one.
                        values = await CreateObjectsAsync();
                        requests = new FuzzRequests(values, ValidBodies(values), ApiServerFixture.AdminKey);
                    }
                },
                seed: seed,
                iter: iterations,
                threads: 1,
                print: fuzz => $"{routes[fuzz.Route]} {fuzz}");
        }
        catch (Exception)
        {
            output.WriteLine(
                $"started from OUTFLOW_FUZZ_SEED={seed} with OUTFLOW_FUZZ_ITERATIONS={iterations}; to send the smallest failing case again, "
                + "set OUTFLOW_FUZZ_SEED to the seed in the CsCheck message (Set seed: \"...\")");
            throw;
        }
        finally
        {
            output.WriteLine("responses by status: " + string.Join(", ", statuses.Select(pair => $"{pair.Key}: {pair.Value}")));
            output.WriteLine($"successful creates and replaces that sent read-only fields: {_readOnlyChecks}");
        }
    }

    private List<FuzzRoute> DiscoverRoutes()
    {
        var endpoints = Server.GetService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new FuzzRoute(method, endpoint)))
            .OrderBy(route => route.Pattern, StringComparer.Ordinal)
            .ThenBy(route => route.Method, StringComparer.Ordinal)
            .ToList();
    }

    private static void CheckResponse(RawRequest request, RawResponse response)
    {
        var context = $"{request.Method} {Shorten(request.Target)} with headers [{string.Join(", ", request.Headers.Select(h => h.Key + ": " + Shorten(h.Value)))}] "
            + $"and body {Shorten(request.Body is null ? "(none)" : System.Text.Encoding.UTF8.GetString(request.Body))} "
            + $"got {response.Status}: {Shorten(response.Body)}";
        Assert.True(response.Status < 500, "5xx: " + context);
        if (response.Status < 400)
        {
            return;
        }

        Assert.True(response.Headers.ContainsKey("content-type"), "4xx without a Content-Type: " + context);
        Assert.True(response.Headers["content-type"].StartsWith("application/json", StringComparison.Ordinal), "4xx that is not JSON: " + context);
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(response.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        Assert.True(body is JsonObject, "4xx body is not a JSON object: " + context);
        Assert.True(body["status"] is JsonValue status && status.TryGetValue<int>(out _), "ApiError status is not an integer: " + context);
        Assert.True(body["status"]!.GetValue<int>() == response.Status, "ApiError status differs from the HTTP status: " + context);
        Assert.True(body["key"] is JsonValue key && key.TryGetValue<string>(out _), "ApiError key is not a string: " + context);
        Assert.True(body["key"]!.GetValue<string>().Length > 0, "ApiError key is empty: " + context);
        Assert.True(body["message"] is JsonValue message && message.TryGetValue<string>(out _), "ApiError message is not a string: " + context);
        Assert.True(body["message"]!.GetValue<string>().Length > 0, "ApiError message is empty: " + context);
        Assert.True(body["metadata"] is null or JsonObject, "ApiError metadata is not an object: " + context);
    }

    /// <summary>Checks that read-only fields sent on a successful create or replace were neither returned nor stored.</summary>
    private async Task CheckReadOnlyFieldsAsync(FuzzRoute route, FuzzCase fuzz, RawRequest request, RawResponse response, RawHttpClient raw)
    {
        if (fuzz.Body != 11 || route.Method is not ("POST" or "PUT") || response.Status != StatusCodes.Status200OK
            || JsonNode.Parse(response.Body)?["data"] is not JsonObject returned)
        {
            return;
        }

        _readOnlyChecks++;
        CheckNoReadOnlyValues(returned, $"{request.Method} {request.Target} returned");
        if (returned["id"]?.GetValue<string>() is not { } id)
        {
            return;
        }

        var target = request.Target.Split('?')[0];
        var collection = route.Method == "PUT" ? target[..target.LastIndexOf('/')] : target;
        var stored = await raw.SendAsync(new RawRequest(
            "GET", collection + "/" + id, [new("Authorization", "Bearer " + ApiServerFixture.AdminKey)], null));
        if (stored.Status == StatusCodes.Status200OK && JsonNode.Parse(stored.Body)?["data"] is JsonObject data)
        {
            CheckNoReadOnlyValues(data, $"GET {collection}/{id} after {request.Method} {request.Target}");
        }
    }

    private static void CheckNoReadOnlyValues(JsonObject data, string context)
    {
        Assert.NotEqual(FuzzRequests.ReadOnlySentinel, data["id"]?.ToString());
        Assert.NotEqual("00000000-0000-0000-0000-0000000f0220", data["organization_id"]?.ToString());
        Assert.False(data["created_at"]?.ToString().StartsWith("1999", StringComparison.Ordinal) ?? false, "created_at from the client: " + context);
        Assert.False(data["updated_at"]?.ToString().StartsWith("1999", StringComparison.Ordinal) ?? false, "updated_at from the client: " + context);
        Assert.False(data["model_ids"]?.ToJsonString().Contains(FuzzRequests.ReadOnlySentinel, StringComparison.Ordinal) ?? false, "model_ids from the client: " + context);
        Assert.False(data["version"]?.ToString() == "987654", "version from the client: " + context);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"... ({text.Length} characters)";

    /// <summary>Creates a source and target connection, a model, a sync and one finished execution; returns valid route values.</summary>
    private async Task<Dictionary<string, string>> CreateObjectsAsync()
    {
        var client = Server.Client;
        var setup = await TestObjects.CreateSyncAsync(Server, client);
        var started = await client.PostAsync($"/api/syncs/{setup.SyncId}/executions", new JsonObject());
        Assert.True(started.Status == System.Net.HttpStatusCode.OK, started.Text);
        var executionId = started.Data["id"]!.GetValue<string>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var execution = await client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}");
            if (execution.Data["status"]!.GetValue<string>() is "completed" or "failed" or "canceled" or "interrupted")
            {
                break;
            }

            await Task.Delay(50);
        }

        var logs = await client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/logs");
        var file = logs.Data["files"]!.AsArray().FirstOrDefault();
        var logType = file?["type"]!.GetValue<string>() ?? "records";
        var fileName = file?["name"]!.GetValue<string>() ?? "missing";
        var urls = await client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/{logType}");
        var url = urls.Data["urls"]!.AsArray().FirstOrDefault()?.GetValue<string>();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["connection_types/id"] = "sqlite",
            ["connections/id"] = setup.SourceConnectionId,
            ["models/id"] = setup.ModelId,
            ["syncs/id"] = setup.SyncId,
            ["sync_id"] = setup.SyncId,
            ["executions/id"] = executionId,
            ["type"] = logType,
            ["filename"] = fileName,
            ["token"] = url is null ? "missing" : url[(url.LastIndexOf('/') + 1)..],
            ["property"] = "schema",
            ["target_connection_id"] = setup.TargetConnectionId,
        };
    }

    private static Dictionary<string, JsonObject> ValidBodies(IReadOnlyDictionary<string, string> values) => new(StringComparer.Ordinal)
    {
        ["ConnectionRequest"] = new JsonObject
        {
            ["name"] = "fuzzed",
            ["type"] = "sqlite",
            ["configuration"] = new JsonObject { ["path"] = "fuzz.sqlite" },
            ["validate"] = false,
        },
        ["TestConnectionRequest"] = new JsonObject { ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = "fuzz.sqlite" } },
        ["ModelRequest"] = TestObjects.ModelBody(values["connections/id"], "SELECT id, name, email FROM people"),
        ["SyncConfiguration"] = TestObjects.SyncBody(values["models/id"], values["target_connection_id"]),
        ["ActivateSyncRequest"] = new JsonObject { ["active"] = true },
        ["StartSyncRequest"] = new JsonObject(),
        ["UpdateExecutionRequest"] = new JsonObject { ["status"] = "canceled" },
    };
}
