using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>The counts of a finished execution, as Get Execution returns them.</summary>
internal sealed record ExecutionCounts(long Total, long Insert, long Update, long Delete, long Error)
{
    public static ExecutionCounts From(JsonNode counts) => new(
        counts["total"]!.GetValue<long>(),
        counts["insert"]!.GetValue<long>(),
        counts["update"]!.GetValue<long>(),
        counts["delete"]!.GetValue<long>(),
        counts["error"]!.GetValue<long>());
}

/// <summary>A finished execution: its id, status, counts and the time from Start Sync until its end was seen.</summary>
internal sealed record ExecutionResult(string Id, string Status, ExecutionCounts Counts, TimeSpan Elapsed);

/// <summary>Calls Outflow's HTTP API with the admin key, as a user's script would.</summary>
internal sealed class OutflowApi : IDisposable
{
    /// <summary>Interval between Get Execution requests while an execution runs.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly HttpClient _http;

    public OutflowApi(Uri baseAddress, string key)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Creates a <c>postgresql</c> connection to the benchmark cluster and returns its id.</summary>
    public Task<string> CreatePostgresConnectionAsync(string name, int port, CancellationToken cancellationToken) =>
        CreateAsync("/api/connections", new JsonObject
        {
            ["name"] = name,
            ["type"] = "postgresql",
            ["configuration"] = new JsonObject
            {
                ["hostname"] = "127.0.0.1",
                ["port"] = port,
                ["database"] = "postgres",
                ["username"] = "postgres",
                ["password"] = "unused-with-trust-authentication",
            },
        }, cancellationToken);

    /// <summary>Creates a <c>sqlite</c> connection to a file under the server's files root and returns its id.</summary>
    public Task<string> CreateSqliteConnectionAsync(string name, string relativePath, CancellationToken cancellationToken) =>
        CreateAsync("/api/connections", new JsonObject
        {
            ["name"] = name,
            ["type"] = "sqlite",
            ["configuration"] = new JsonObject { ["path"] = relativePath },
        }, cancellationToken);

    public Task<string> CreateQueryModelAsync(string name, string connectionId, string query, CancellationToken cancellationToken) =>
        CreateAsync("/api/models", new JsonObject
        {
            ["name"] = name,
            ["connection_id"] = connectionId,
            ["configuration"] = new JsonObject { ["query"] = query },
        }, cancellationToken);

    /// <summary>
    /// Creates an active, manual <c>replace</c> sync that matches records by <c>id</c> and maps every other column to
    /// the target column of the same name, and returns its id.
    /// </summary>
    public Task<string> CreateReplaceSyncAsync(
        string name, string modelId, string targetConnectionId, string targetObject, IEnumerable<string> columns,
        CancellationToken cancellationToken)
    {
        var fields = new JsonArray();
        foreach (var column in columns.Where(column => column != "id"))
        {
            fields.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = column },
                ["target"] = column,
            });
        }

        return CreateAsync("/api/syncs", new JsonObject
        {
            ["name"] = name,
            ["mode"] = "replace",
            ["active"] = true,
            ["schedule"] = new JsonObject(),
            ["target"] = new JsonObject { ["connection_id"] = targetConnectionId, ["object"] = targetObject },
            ["identity"] = new JsonObject
            {
                ["source"] = new JsonObject { ["model_id"] = modelId, ["field"] = "id" },
                ["target"] = "id",
                ["function"] = "Equality",
            },
            ["fields"] = fields,
        }, cancellationToken);
    }

    public Task DeleteSyncAsync(string syncId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"/api/syncs/{syncId}", null, cancellationToken);

    /// <summary>Deletes a connection together with its models and syncs.</summary>
    public Task DeleteConnectionAsync(string connectionId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"/api/connections/{connectionId}?force=true", null, cancellationToken);

    /// <summary>
    /// Starts an execution and polls Get Execution every 20 ms until it is completed, failed or canceled. The elapsed
    /// time runs from just before Start Sync until the poll that saw the end.
    /// </summary>
    public async Task<ExecutionResult> RunExecutionAsync(string syncId, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var started = await SendAsync(HttpMethod.Post, $"/api/syncs/{syncId}/executions", new JsonObject(), cancellationToken);
        var executionId = started["data"]!["id"]!.GetValue<string>();
        while (true)
        {
            var execution = (await SendAsync(
                HttpMethod.Get, $"/api/syncs/{syncId}/executions/{executionId}", null, cancellationToken))["data"]!;
            var status = execution["status"]!.GetValue<string>();
            if (status is "completed" or "failed" or "canceled")
            {
                stopwatch.Stop();
                return new ExecutionResult(executionId, status, ExecutionCounts.From(execution["counts"]!), stopwatch.Elapsed);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Returns every console log entry of an execution, oldest first.</summary>
    public async Task<IReadOnlyList<JsonNode>> GetConsoleLogAsync(string syncId, string executionId, CancellationToken cancellationToken)
    {
        var entries = new List<JsonNode>();
        var after = "0-0";
        while (true)
        {
            var page = (await SendAsync(
                HttpMethod.Get,
                $"/api/syncs/{syncId}/executions/{executionId}/consolelog?after={Uri.EscapeDataString(after)}&limit=50",
                null,
                cancellationToken))["data"]!;
            var batch = page["entries"]!.AsArray();
            if (batch.Count == 0)
            {
                return entries;
            }

            entries.AddRange(batch.Select(entry => entry!));
            after = page["next_cursor"]!.GetValue<string>();
        }
    }

    /// <summary>Returns one page of List Executions: its execution count and the token of the next page, if any.</summary>
    public async Task<(int Count, string? NextPageToken)> ListExecutionsAsync(
        string syncId, string? pageToken, CancellationToken cancellationToken)
    {
        var page = await SendAsync(HttpMethod.Get, ListExecutionsPath(syncId, pageToken), null, cancellationToken);
        return (page["data"]!.AsArray().Count, page["pagination"]?["next_page_token"]?.GetValue<string>());
    }

    public static string ListExecutionsPath(string syncId, string? pageToken) =>
        pageToken is null
            ? $"/api/syncs/{syncId}/executions"
            : $"/api/syncs/{syncId}/executions?page_token={Uri.EscapeDataString(pageToken)}";

    /// <summary>Sends a GET and reads the whole body, returning the time until the last byte arrived.</summary>
    public async Task<TimeSpan> TimeGetAsync(string path, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        stopwatch.Stop();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} failed with HTTP {(int)response.StatusCode}.");
        }

        return stopwatch.Elapsed;
    }

    /// <summary>Sends a GET and returns the parsed body; throws when the status is not 2xx.</summary>
    public Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>Sends a POST with a JSON body and returns the parsed response body; throws when the status is not 2xx.</summary>
    public Task<JsonNode> PostAsync(string path, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<string> CreateAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, path, body, cancellationToken))["data"]!["id"]!.GetValue<string>();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} failed with HTTP {(int)response.StatusCode}: {text}");
        }

        // Delete Sync returns 200 with an empty body.
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
    }
}
