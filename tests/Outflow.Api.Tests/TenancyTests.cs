using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>
/// Calls every route of the API with one organization's key and another organization's ids. docs/API.md promises
/// that another organization's ids get the same response as ids that do not exist. That is 404 for an id in the path,
/// the response to an unknown id for an id in a body or query, and no trace of the other organization in a list.
/// </summary>
public sealed class TenancyTests(TwoOrganizationsFixture fixture) : IClassFixture<TwoOrganizationsFixture>
{
    private const int MaxPages = 1000;

    private static readonly string[] OperationMethods = ["get", "put", "post", "delete", "patch"];

    /// <summary>Routes whose requests carry no id of an organization's object, each with the reason.</summary>
    private static readonly Dictionary<string, string> RoutesWithoutObjectIds = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = "needs no key and reads no object",
        ["GET /readyz"] = "needs no key and reads no object",
        ["GET /api/connection_types/{id}"] = "the id is a connection type such as sqlite, which every organization shares",
        ["POST /api/connections/test"] = "tests the configuration in the body and stores nothing",
        ["GET /api/logs/download/{token}"] = "the signed token is the credential, not the key; TamperingTests sends foreign and altered tokens",
    };

    private Tenant Owner => fixture.Owner;

    private Tenant Intruder => fixture.Intruder;

    [Fact]
    public async Task Every_route_has_tenancy_case()
    {
        var documented = await DocumentedRoutesAsync();
        var pathIdRoutes = PathIdRequests(Owner, Intruder).Select(request => request.Route).ToHashSet(StringComparer.Ordinal);
        var covered = pathIdRoutes
            .Concat(BodyIdRequests(Owner, Intruder).Select(request => request.Route))
            .Concat(ReadRoutes)
            .Concat(OrganizationIdRoutes)
            .Concat(RoutesWithoutObjectIds.Keys)
            .ToHashSet(StringComparer.Ordinal);

        // Guards against a document that lists nothing, which would make the loops below vacuous.
        Assert.Contains("GET /api/syncs/{sync_id}/executions/{id}/{type}/{filename}", documented);
        foreach (var route in documented)
        {
            Assert.True(covered.Contains(route), $"{route} has no tenancy case: add it to the requests of {nameof(TenancyTests)}");
            if (route.Contains('{', StringComparison.Ordinal))
            {
                Assert.True(
                    pathIdRoutes.Contains(route) || RoutesWithoutObjectIds.ContainsKey(route),
                    $"{route} takes a path parameter but is not called with another organization's ids");
            }
        }

        foreach (var route in covered)
        {
            Assert.True(documented.Contains(route), $"the tenancy cases name {route}, which the server does not serve");
        }
    }

    [Fact]
    public async Task Foreign_path_ids_return_404()
    {
        var before = await SnapshotAsync(Owner);
        var unknown = PathIdRequests(Owner.WithUnknownIds(), Intruder);
        var foreign = PathIdRequests(Owner, Intruder);
        Assert.Equal(unknown.Count, foreign.Count);

        for (var i = 0; i < foreign.Count; i++)
        {
            var response = await SendAsync(Intruder, foreign[i]);
            var label = $"{foreign[i].Method} {foreign[i].Path}";
            Assert.True(response.Status == HttpStatusCode.NotFound, $"{label}: {(int)response.Status} {response.Text}");
            Assert.True(response.ErrorKey == "not_found", $"{label}: {response.Text}");
            Assert.False(string.IsNullOrWhiteSpace(response.Body?["message"]?.GetValue<string>()), $"{label}: {response.Text}");
            Assert.Null(response.Body?["data"]);

            var unknownResponse = await SendAsync(Intruder, unknown[i]);
            Assert.True(response.ErrorField == unknownResponse.ErrorField, $"{label}: {response.Text} but {unknownResponse.Text}");
        }

        await AssertUnchangedAsync(Owner, before);
    }

    [Fact]
    public async Task Foreign_body_ids_match_unknown_ids()
    {
        var ownerBefore = await SnapshotAsync(Owner);
        var intruderBefore = await SnapshotAsync(Intruder);
        var unknown = BodyIdRequests(Owner.WithUnknownIds(), Intruder);
        var foreign = BodyIdRequests(Owner, Intruder);
        Assert.Equal(unknown.Count, foreign.Count);

        for (var i = 0; i < foreign.Count; i++)
        {
            var expected = await SendAsync(Intruder, unknown[i]);
            var response = await SendAsync(Intruder, foreign[i]);
            var label = $"{foreign[i].Method} {foreign[i].Path} {foreign[i].Body?.ToJsonString()}";
            Assert.True(response.Status == expected.Status, $"{label}: {(int)response.Status} {response.Text}, unknown ids: {expected.Text}");
            Assert.True(response.ErrorKey == expected.ErrorKey, $"{label}: {response.Text}, unknown ids: {expected.Text}");
            Assert.True(response.ErrorField == expected.ErrorField, $"{label}: {response.Text}, unknown ids: {expected.Text}");
            Assert.True((int)response.Status < 500, $"{label}: {response.Text}");
            AssertNoOwnerIdsInData(response, label);
        }

        await AssertUnchangedAsync(Owner, ownerBefore);
        await AssertUnchangedAsync(Intruder, intruderBefore);
    }

    [Fact]
    public async Task List_walks_show_no_foreign_ids()
    {
        var intruder = Intruder.Objects;
        var walks = new Dictionary<string, IReadOnlyList<string>>
        {
            ["/api/connections"] = [intruder.SourceConnectionId, intruder.TargetConnectionId],
            ["/api/models?limit=1"] = [intruder.ModelId],
            ["/api/syncs?limit=1"] = [intruder.SyncId],
            ["/api/syncs?limit=1&active=true"] = [intruder.SyncId],
            ["/api/syncs?limit=1&mode=updateOrCreate"] = [intruder.SyncId],
            [$"/api/syncs?limit=1&target_connection_id={intruder.TargetConnectionId}"] = [intruder.SyncId],
            [$"/api/syncs/{intruder.SyncId}/executions"] = [Intruder.ExecutionId],
            [$"/api/syncs/{intruder.SyncId}/executions?only_completed=true&ascending=true"] = [Intruder.ExecutionId],
            ["/api/me"] = [Intruder.OrganizationId],
            ["/api/connection_types"] = [],
            ["/api/connection_types/sqlite"] = [],
            ["/api/syncs/schedules"] = [],
        };

        foreach (var (path, ownIds) in walks)
        {
            var text = await WalkAsync(Intruder.Client, path);
            foreach (var id in Owner.Ids)
            {
                Assert.False(text.Contains(id, StringComparison.OrdinalIgnoreCase), $"{path} shows the other organization's id {id}: {text}");
            }

            // The caller's own objects are listed, so the walk reached the data that a leak would share.
            foreach (var id in ownIds)
            {
                Assert.True(text.Contains(id, StringComparison.OrdinalIgnoreCase), $"{path} does not show the caller's own id {id}: {text}");
            }
        }

        Assert.Equal(
            ReadRoutes.Order(StringComparer.Ordinal),
            walks.Keys.Select(path => "GET " + RouteOfReadPath(path)).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Body_organization_id_is_ignored()
    {
        var ownerBefore = await SnapshotAsync(Owner);
        var own = Intruder.Objects;
        var foreignOrganization = JsonValue.Create(Owner.OrganizationId);

        var connection = new JsonObject
        {
            ["name"] = "claims another organization",
            ["type"] = "sqlite",
            ["configuration"] = Intruder.SourceConfiguration.DeepClone(),
            ["organization_id"] = foreignOrganization.DeepClone(),
        };
        var model = TestObjects.ModelBody(own.SourceConnectionId, "SELECT id, name, email FROM people");
        model["organization_id"] = foreignOrganization.DeepClone();
        var sync = TestObjects.SyncBody(own.ModelId, own.TargetConnectionId);
        sync["organization_id"] = foreignOrganization.DeepClone();

        var createdConnection = await AssertSavedInOwnOrganizationAsync(HttpMethod.Post, "/api/connections", connection);
        var createdModel = await AssertSavedInOwnOrganizationAsync(HttpMethod.Post, "/api/models", model);
        var createdSync = await AssertSavedInOwnOrganizationAsync(HttpMethod.Post, "/api/syncs", sync);
        await AssertSavedInOwnOrganizationAsync(HttpMethod.Put, $"/api/connections/{createdConnection}", connection);
        await AssertSavedInOwnOrganizationAsync(HttpMethod.Put, $"/api/models/{createdModel}", model);
        await AssertSavedInOwnOrganizationAsync(HttpMethod.Put, $"/api/syncs/{createdSync}", sync);

        await AssertUnchangedAsync(Owner, ownerBefore);
        foreach (var path in new[] { $"/api/syncs/{createdSync}", $"/api/models/{createdModel}", $"/api/connections/{createdConnection}" })
        {
            var deleted = await Intruder.Client.DeleteAsync(path);
            Assert.True(deleted.Status == HttpStatusCode.OK, $"{path}: {deleted.Text}");
        }
    }

    /// <summary>The create and replace routes, to each of which <see cref="Body_organization_id_is_ignored"/> sends another organization_id.</summary>
    private static IReadOnlyList<string> OrganizationIdRoutes =>
    [
        "POST /api/connections",
        "POST /api/models",
        "POST /api/syncs",
        "PUT /api/connections/{id}",
        "PUT /api/models/{id}",
        "PUT /api/syncs/{id}",
    ];

    /// <summary>The read routes that take no object id, each of which <see cref="List_walks_show_no_foreign_ids"/> calls.</summary>
    private static IReadOnlyList<string> ReadRoutes =>
    [
        "GET /api/connections",
        "GET /api/models",
        "GET /api/syncs",
        "GET /api/syncs/{sync_id}/executions",
        "GET /api/me",
        "GET /api/connection_types",
        "GET /api/connection_types/{id}",
        "GET /api/syncs/schedules",
    ];

    private static string RouteOfReadPath(string path)
    {
        var withoutQuery = path.Split('?')[0];
        if (withoutQuery.StartsWith("/api/syncs/", StringComparison.Ordinal) && withoutQuery.EndsWith("/executions", StringComparison.Ordinal))
        {
            return "/api/syncs/{sync_id}/executions";
        }

        return withoutQuery == "/api/connection_types/sqlite" ? "/api/connection_types/{id}" : withoutQuery;
    }

    /// <summary>
    /// Requests that name <paramref name="owner"/>'s objects in the path, sent with <paramref name="caller"/>'s key. A body,
    /// where a route takes one, is valid for the caller's own objects, so only the path id can make the request fail.
    /// Requests that change or delete come last.
    /// </summary>
    private static List<ForeignRequest> PathIdRequests(Tenant owner, Tenant caller)
    {
        var objects = owner.Objects;
        var requests = new List<ForeignRequest>();

        foreach (var connectionId in new[] { objects.SourceConnectionId, objects.TargetConnectionId })
        {
            var discovery = $"/api/connections/{connectionId}/modelsync";
            requests.Add(Get("/api/connections/{id}", $"/api/connections/{connectionId}"));
            requests.Add(Get("/api/connections/{id}/modelsync/source", discovery + "/source"));
            requests.Add(Get("/api/connections/{id}/modelsync/source/fields", discovery + "/source/fields?table=people"));
            requests.Add(Get("/api/connections/{id}/modelsync/targetobjects", discovery + "/targetobjects"));
            requests.Add(Get("/api/connections/{id}/modelsync/target", discovery + "/target"));
            requests.Add(Get("/api/connections/{id}/modelsync/target/fields", discovery + "/target/fields?target=contacts"));
            requests.Add(Get("/api/connections/{id}/modelsync/targetobjects/properties/{property}", discovery + "/targetobjects/properties/schema"));
        }

        requests.Add(Get("/api/models/{id}", $"/api/models/{objects.ModelId}"));
        requests.Add(Get("/api/models/{id}", $"/api/models/{objects.ModelId}?async=true"));
        requests.Add(Get("/api/models/{id}/sample", $"/api/models/{objects.ModelId}/sample"));
        requests.Add(Get("/api/models/{id}/sample", $"/api/models/{objects.ModelId}/sample?async=true"));
        requests.Add(Get("/api/jobs/{type}/{id}", $"/api/jobs/{Tenant.JobType}/{owner.JobId}"));
        requests.Add(Get("/api/syncs/{id}", $"/api/syncs/{objects.SyncId}"));
        requests.Add(Get("/api/syncs/{id}/status", $"/api/syncs/{objects.SyncId}/status"));
        requests.Add(Get("/api/syncs/{sync_id}/executions", $"/api/syncs/{objects.SyncId}/executions"));

        // Each execution route gets the owner's execution under the owner's sync and under the caller's own sync.
        var executionPaths = new[]
        {
            $"/api/syncs/{objects.SyncId}/executions/{owner.ExecutionId}",
            $"/api/syncs/{caller.Objects.SyncId}/executions/{owner.ExecutionId}",
        };
        foreach (var execution in executionPaths)
        {
            requests.Add(Get("/api/syncs/{sync_id}/executions/{id}", execution));
            requests.Add(Get("/api/syncs/{sync_id}/executions/{id}/consolelog", execution + "/consolelog"));
            requests.Add(Get("/api/syncs/{sync_id}/executions/{id}/logs", execution + "/logs"));
            requests.Add(Get("/api/syncs/{sync_id}/executions/{id}/{type}", $"{execution}/{owner.LogType}"));
            requests.Add(Get("/api/syncs/{sync_id}/executions/{id}/{type}/{filename}", $"{execution}/{owner.LogType}/{owner.LogFileName}"));
        }

        foreach (var execution in executionPaths)
        {
            requests.Add(Send("PUT /api/syncs/{sync_id}/executions/{id}", execution, new JsonObject { ["status"] = "canceled" }));
            requests.Add(Send("POST /api/syncs/{sync_id}/executions/{id}/cancel", execution + "/cancel"));
        }

        var renamed = new JsonObject { ["name"] = "renamed", ["type"] = "sqlite", ["configuration"] = caller.SourceConfiguration.DeepClone() };
        requests.Add(Send("PUT /api/connections/{id}", $"/api/connections/{objects.SourceConnectionId}", renamed));
        requests.Add(Send(
            "PUT /api/models/{id}", $"/api/models/{objects.ModelId}", TestObjects.ModelBody(caller.Objects.SourceConnectionId, "SELECT id, name FROM people")));
        requests.Add(Send("PUT /api/syncs/{id}", $"/api/syncs/{objects.SyncId}", TestObjects.SyncBody(caller.Objects.ModelId, caller.Objects.TargetConnectionId, active: false)));
        requests.Add(Send("POST /api/syncs/{id}/activate", $"/api/syncs/{objects.SyncId}/activate", new JsonObject { ["active"] = false }));
        requests.Add(Send("POST /api/syncs/{id}/cancel", $"/api/syncs/{objects.SyncId}/cancel"));
        requests.Add(Send("POST /api/syncs/{id}/executions", $"/api/syncs/{objects.SyncId}/executions", new JsonObject()));

        requests.Add(Send("DELETE /api/syncs/{id}", $"/api/syncs/{objects.SyncId}"));
        requests.Add(Send("DELETE /api/models/{id}", $"/api/models/{objects.ModelId}?force=true"));
        requests.Add(Send("DELETE /api/connections/{id}", $"/api/connections/{objects.TargetConnectionId}"));
        requests.Add(Send("DELETE /api/connections/{id}", $"/api/connections/{objects.SourceConnectionId}?force=true"));
        return requests;
    }

    /// <summary>
    /// Requests that name <paramref name="owner"/>'s objects in a body or query only, sent with <paramref name="caller"/>'s
    /// key. The objects in the path, where there are any, are the caller's own.
    /// </summary>
    private static List<ForeignRequest> BodyIdRequests(Tenant owner, Tenant caller)
    {
        var objects = owner.Objects;
        var own = caller.Objects;
        var runAfter = TestObjects.SyncBody(own.ModelId, own.TargetConnectionId);
        runAfter["schedule"] = new JsonObject
        {
            ["frequency"] = "runafter",
            ["run_after"] = new JsonObject { ["sync_ids"] = new JsonArray(objects.SyncId) },
        };

        return
        [
            Get("/api/syncs", $"/api/syncs?target_connection_id={objects.TargetConnectionId}"),
            Send("POST /api/model-preview", "/api/model-preview", TestObjects.ModelBody(objects.SourceConnectionId, "SELECT id FROM people")),
            Send("POST /api/model-preview", "/api/model-preview?async=true", TestObjects.ModelBody(objects.SourceConnectionId, "SELECT id FROM people")),
            Send("POST /api/models", "/api/models", TestObjects.ModelBody(objects.SourceConnectionId, "SELECT id FROM people")),
            Send("POST /api/models", "/api/models?async=true", TestObjects.ModelBody(objects.SourceConnectionId, "SELECT id FROM people")),
            Send("PUT /api/models/{id}", $"/api/models/{own.ModelId}", TestObjects.ModelBody(objects.SourceConnectionId, "SELECT id FROM people")),
            Send("POST /api/syncs", "/api/syncs", TestObjects.SyncBody(objects.ModelId, objects.TargetConnectionId)),
            Send("POST /api/syncs", "/api/syncs", TestObjects.SyncBody(own.ModelId, objects.TargetConnectionId)),
            Send("POST /api/syncs", "/api/syncs", TestObjects.SyncBody(objects.ModelId, own.TargetConnectionId)),
            Send("POST /api/syncs", "/api/syncs", runAfter),
            Send("PUT /api/syncs/{id}", $"/api/syncs/{own.SyncId}", TestObjects.SyncBody(own.ModelId, objects.TargetConnectionId)),
            Send("PUT /api/syncs/{id}", $"/api/syncs/{own.SyncId}", TestObjects.SyncBody(objects.ModelId, own.TargetConnectionId)),
            Send("PUT /api/syncs/{id}", $"/api/syncs/{own.SyncId}", runAfter.DeepClone()),
        ];
    }

    /// <summary>
    /// Sends a body that names the owner's organization with the intruder's key, and asserts that the object is saved in
    /// the intruder's organization. Returns the object's id.
    /// </summary>
    private async Task<string> AssertSavedInOwnOrganizationAsync(HttpMethod method, string path, JsonNode body)
    {
        var response = await Intruder.Client.SendAsync(method, path, body.ToJsonString());
        Assert.True(response.Status == HttpStatusCode.OK, $"{method} {path}: {response.Text}");
        Assert.True(
            response.Data["organization_id"]?.GetValue<string>() == Intruder.OrganizationId,
            $"{method} {path} saved the object in another organization: {response.Text}");
        return response.Data["id"]!.GetValue<string>();
    }

    private static ForeignRequest Get(string template, string path) => new("GET " + template, HttpMethod.Get, path, null);

    private static ForeignRequest Send(string route, string path, JsonNode? body = null)
    {
        var method = route[..route.IndexOf(' ', StringComparison.Ordinal)];
        return new ForeignRequest(route, new HttpMethod(method), path, body);
    }

    private static Task<ApiResponse> SendAsync(Tenant caller, ForeignRequest request) =>
        caller.Client.SendAsync(request.Method, request.Path, request.Body?.ToJsonString());

    private void AssertNoOwnerIdsInData(ApiResponse response, string label)
    {
        var data = (response.Body?["data"] ?? response.Body?["job"])?.ToJsonString() ?? "";
        foreach (var id in Owner.Ids)
        {
            Assert.False(data.Contains(id, StringComparison.OrdinalIgnoreCase), $"{label} returned the other organization's id {id}: {response.Text}");
        }
    }

    /// <summary>Reads every object of <paramref name="tenant"/> with its own key.</summary>
    private static async Task<Dictionary<string, JsonNode?>> SnapshotAsync(Tenant tenant)
    {
        var objects = tenant.Objects;
        var execution = $"/api/syncs/{objects.SyncId}/executions/{tenant.ExecutionId}";
        var paths = new[]
        {
            "/api/connections",
            $"/api/connections/{objects.SourceConnectionId}",
            $"/api/connections/{objects.TargetConnectionId}",
            "/api/models",
            $"/api/models/{objects.ModelId}",
            "/api/syncs",
            $"/api/syncs/{objects.SyncId}",
            $"/api/syncs/{objects.SyncId}/executions",
            execution,
            execution + "/logs",
            $"/api/jobs/{Tenant.JobType}/{tenant.JobId}",
        };
        var snapshot = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var response = await tenant.Client.GetAsync(path);
            Assert.True(response.Status == HttpStatusCode.OK, $"{path}: {response.Text}");
            snapshot[path] = response.Body;
        }

        return snapshot;
    }

    private static async Task AssertUnchangedAsync(Tenant tenant, Dictionary<string, JsonNode?> before)
    {
        var after = await SnapshotAsync(tenant);
        foreach (var (path, body) in before)
        {
            Assert.True(
                JsonNode.DeepEquals(body, after[path]),
                $"{path} changed: before {body?.ToJsonString()}, after {after[path]?.ToJsonString()}");
        }
    }

    /// <summary>Reads every page of a list by following next_page_token and returns the pages' text.</summary>
    private static async Task<string> WalkAsync(ApiClient client, string path)
    {
        var pages = new List<string>();
        string? token = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var response = await client.GetAsync(token is null ? path : $"{path}{separator}page_token={Uri.EscapeDataString(token)}");
            Assert.True(response.Status == HttpStatusCode.OK, $"{path}: {response.Text}");
            pages.Add(response.Text);
            token = response.Body?["pagination"]?["next_page_token"]?.GetValue<string>();
            Assert.True(pages.Count < MaxPages, $"{path} has more than {MaxPages} pages");
        }
        while (token is not null);

        return string.Join("\n", pages);
    }

    private async Task<HashSet<string>> DocumentedRoutesAsync()
    {
        using var anonymous = fixture.Server.CreateClient(null);
        var response = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return response.Body!["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject()
                .Where(operation => OperationMethods.Contains(operation.Key))
                .Select(operation => operation.Key.ToUpperInvariant() + " " + path.Key))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>One request of a tenancy case. <see cref="Route"/> is the method and path template it calls.</summary>
    private sealed record ForeignRequest(string Route, HttpMethod Method, string Path, JsonNode? Body);
}
