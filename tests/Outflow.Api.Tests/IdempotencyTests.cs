using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Outflow.Core.Idempotency;

namespace Outflow.Api.Tests;

/// <summary>The Idempotency-Key header on POST, PUT and DELETE routes.</summary>
public sealed class IdempotencyTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const string HeaderName = "Idempotency-Key";
    private const string ReplayedHeaderName = "Idempotent-Replayed";
    private const int ConcurrentStarts = 50;

    [Fact]
    public async Task CreateConnection_same_key_replays_response()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var body = await SqliteConnectionBodyAsync();
        var key = NewKey();

        var first = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);
        var repeat = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Headers.ContainsKey(ReplayedHeaderName));
        Assert.Equal(HttpStatusCode.OK, repeat.Status);
        Assert.Equal("true", repeat.Headers[ReplayedHeaderName]);
        Assert.Equal(first.Text, repeat.Text);
        Assert.Equal("application/json", repeat.MediaType);
        var list = await client.GetAsync("/api/connections");
        var connection = Assert.Single(list.Data.AsArray());
        Assert.Equal(first.Data["id"]!.GetValue<string>(), connection!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateConnection_other_key_creates_another()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var body = await SqliteConnectionBodyAsync();

        var first = await SendAsync(client, HttpMethod.Post, "/api/connections", body, NewKey());
        var second = await SendAsync(client, HttpMethod.Post, "/api/connections", body, NewKey());

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(first.Data["id"]!.GetValue<string>(), second.Data["id"]!.GetValue<string>());
        Assert.Equal(2, (await client.GetAsync("/api/connections")).Data.AsArray().Count);
    }

    [Fact]
    public async Task StartSync_same_key_returns_same_execution()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var setup = await TestObjects.CreateSyncAsync(server, client, active: true);
        var path = $"/api/syncs/{setup.SyncId}/executions";
        var key = NewKey();

        var first = await SendAsync(client, HttpMethod.Post, path, "{}", key);
        var repeat = await SendAsync(client, HttpMethod.Post, path, "{}", key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, repeat.Status);
        Assert.Equal(first.Text, repeat.Text);
        Assert.Equal("true", repeat.Headers[ReplayedHeaderName]);
        var executions = await client.GetAsync(path);
        var execution = Assert.Single(executions.Data.AsArray());
        Assert.Equal(first.Data["id"]!.GetValue<string>(), execution!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartSync_concurrent_same_key_creates_one_execution()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var setup = await TestObjects.CreateSyncAsync(server, client, active: true);
        var path = $"/api/syncs/{setup.SyncId}/executions";
        var key = NewKey();

        var responses = await Task.WhenAll(Enumerable.Range(0, ConcurrentStarts)
            .Select(_ => Task.Run(() => SendAsync(client, HttpMethod.Post, path, "{}", key))));

        var started = responses.Where(response => response.Status == HttpStatusCode.OK).ToList();
        var busy = responses.Where(response => response.Status == HttpStatusCode.Conflict).ToList();
        Assert.NotEmpty(started);
        Assert.Equal(ConcurrentStarts, started.Count + busy.Count);
        Assert.Single(started.Select(response => response.Text).Distinct());
        Assert.Single(started, response => !response.Headers.ContainsKey(ReplayedHeaderName));
        Assert.All(busy, response => Assert.Equal("idempotency_key_in_use", response.ErrorKey));
        Assert.All(busy, response => Assert.Equal("1", response.Headers["Retry-After"]));
        var executions = await client.GetAsync(path);
        var execution = Assert.Single(executions.Data.AsArray());
        Assert.Equal(started[0].Data["id"]!.GetValue<string>(), execution!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Repeat_while_first_runs_returns_409()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var body = await SqliteConnectionBodyAsync();
        var key = NewKey();
        var identity = (await client.GetAsync("/api/me")).Data;
        var scope = new IdempotencyScope(
            Guid.Parse(identity["organization_id"]!.GetValue<string>()), Guid.Parse(identity["id"]!.GetValue<string>()), key);

        // A claim without a response is what a request that is still running leaves in the store.
        var now = TimeProvider.System.GetUtcNow();
        var claim = await server.GetService<IIdempotencyStore>().ClaimAsync(
            scope,
            new IdempotencyRecord
            {
                ClaimId = Guid.NewGuid(),
                Method = "POST",
                Path = "/api/connections",
                RequestHash = RequestHash("POST", "/api/connections", "", body),
                ExpiresAt = now.AddHours(1),
            },
            now,
            now.AddHours(1),
            CancellationToken.None);
        Assert.True(claim.IsNew);

        var response = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("idempotency_key_in_use", response.ErrorKey);
        Assert.Equal(409, response.Body!["status"]!.GetValue<int>());
        Assert.Equal("1", response.Headers["Retry-After"]);
        Assert.Empty((await client.GetAsync("/api/connections")).Data.AsArray());
    }

    [Fact]
    public async Task Key_reused_with_other_body_returns_422()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var body = await SqliteConnectionBodyAsync();
        var key = NewKey();
        var first = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);
        var otherBody = JsonNode.Parse(body)!.AsObject();
        otherBody["name"] = "renamed";

        var response = await SendAsync(client, HttpMethod.Post, "/api/connections", otherBody.ToJsonString(), key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("idempotency_key_reused", response.ErrorKey);
        Assert.Equal(HeaderName, response.ErrorField);
        Assert.Contains("different body", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single((await client.GetAsync("/api/connections")).Data.AsArray());
    }

    [Fact]
    public async Task Key_reused_on_other_path_returns_422()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var setup = await TestObjects.CreateSyncAsync(server, client, active: true);
        var key = NewKey();
        var first = await SendAsync(client, HttpMethod.Post, $"/api/syncs/{setup.SyncId}/activate", """{"active":false}""", key);

        var response = await SendAsync(client, HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions", "{}", key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("idempotency_key_reused", response.ErrorKey);
        Assert.Contains($"/api/syncs/{setup.SyncId}/activate", response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await client.GetAsync($"/api/syncs/{setup.SyncId}/executions")).Data.AsArray());
    }

    [Fact]
    public async Task Same_key_in_two_organizations_does_not_collide()
    {
        var (_, first) = await server.CreateOrganizationAsync();
        var (_, second) = await server.CreateOrganizationAsync();
        var body = await SqliteConnectionBodyAsync();
        var key = NewKey();

        var fromFirst = await SendAsync(first, HttpMethod.Post, "/api/connections", body, key);
        var fromSecond = await SendAsync(second, HttpMethod.Post, "/api/connections", body, key);

        Assert.Equal(HttpStatusCode.OK, fromFirst.Status);
        Assert.Equal(HttpStatusCode.OK, fromSecond.Status);
        Assert.False(fromSecond.Headers.ContainsKey(ReplayedHeaderName));
        Assert.NotEqual(fromFirst.Data["id"]!.GetValue<string>(), fromSecond.Data["id"]!.GetValue<string>());
        Assert.Single((await first.GetAsync("/api/connections")).Data.AsArray());
        Assert.Single((await second.GetAsync("/api/connections")).Data.AsArray());
    }

    [Fact]
    public async Task Client_error_is_stored_and_replayed()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var body = """{"name":"bad","type":"no_such_type","configuration":{}}""";
        var key = NewKey();

        var first = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);
        var repeat = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, first.Status);
        Assert.Equal("unknown_connection_type", first.ErrorKey);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, repeat.Status);
        Assert.Equal(first.Text, repeat.Text);
        Assert.Equal("true", repeat.Headers[ReplayedHeaderName]);
    }

    [Fact]
    public async Task Conflict_is_not_stored()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var setup = await TestObjects.CreateSyncAsync(server, client, active: false);
        var path = $"/api/syncs/{setup.SyncId}/executions";
        var key = NewKey();

        var inactive = await SendAsync(client, HttpMethod.Post, path, "{}", key);
        var activated = await client.PostAsync($"/api/syncs/{setup.SyncId}/activate", new JsonObject { ["active"] = true });
        var retry = await SendAsync(client, HttpMethod.Post, path, "{}", key);

        Assert.Equal(HttpStatusCode.Conflict, inactive.Status);
        Assert.Equal("sync_inactive", inactive.ErrorKey);
        Assert.Equal(HttpStatusCode.OK, activated.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.False(retry.Headers.ContainsKey(ReplayedHeaderName));
        Assert.Single((await client.GetAsync(path)).Data.AsArray());
    }

    [Fact]
    public async Task DeleteConnection_same_key_replays_200()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var id = await TestObjects.CreateSqliteConnectionAsync(server, client, TestObjects.ContactsSql);
        var key = NewKey();

        var first = await SendAsync(client, HttpMethod.Delete, $"/api/connections/{id}", null, key);
        var repeat = await SendAsync(client, HttpMethod.Delete, $"/api/connections/{id}", null, key);
        var withoutKey = await client.DeleteAsync($"/api/connections/{id}");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, repeat.Status);
        Assert.Equal("true", repeat.Headers[ReplayedHeaderName]);
        Assert.Equal(HttpStatusCode.NotFound, withoutKey.Status);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has spaces in it")]
    [InlineData("slash/not/allowed")]
    [InlineData("dot.not.allowed")]
    public async Task Invalid_key_returns_400(string key)
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var body = await SqliteConnectionBodyAsync();

        var response = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_idempotency_key", response.ErrorKey);
        Assert.Equal(HeaderName, response.ErrorField);
        Assert.Empty((await client.GetAsync("/api/connections")).Data.AsArray());
    }

    [Fact]
    public async Task Key_of_255_characters_is_accepted()
    {
        var (_, client) = await server.CreateOrganizationAsync();
        var body = await SqliteConnectionBodyAsync();
        var key = new string('k', 255);

        var first = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);
        var repeat = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key);
        var tooLong = await SendAsync(client, HttpMethod.Post, "/api/connections", body, key + "k");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Text, repeat.Text);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Equal("invalid_idempotency_key", tooLong.ErrorKey);
    }

    [Fact]
    public async Task Get_ignores_key()
    {
        var response = await SendAsync(server.Client, HttpMethod.Get, "/api/me", null, "bad key");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Headers.ContainsKey(ReplayedHeaderName));
    }

    private static string NewKey() => Guid.NewGuid().ToString();

    private static Task<ApiResponse> SendAsync(ApiClient client, HttpMethod method, string path, string? body, string key) =>
        client.SendAsync(method, path, body, new Dictionary<string, string> { [HeaderName] = key });

    /// <summary>The request hash the server computes: SHA-256 over method, path, query string and body.</summary>
    private static byte[] RequestHash(string method, string path, string query, string body) =>
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{method}\n{path}\n{query}\n{body}"));

    private async Task<string> SqliteConnectionBodyAsync()
    {
        var path = await server.CreateSqliteDatabaseAsync(TestObjects.ContactsSql);
        return new JsonObject
        {
            ["name"] = "warehouse",
            ["type"] = "sqlite",
            ["configuration"] = new JsonObject { ["path"] = path },
        }.ToJsonString();
    }
}
