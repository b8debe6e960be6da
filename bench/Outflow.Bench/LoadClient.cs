using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Outflow.Bench;

/// <summary>The objects that the load run set up and that every client reads, and what the clients learned about them.</summary>
internal sealed class LoadWorkload
{
    public required string SourceConnectionId { get; init; }

    /// <summary>The model of the generated SQLite table that every busy sync reads.</summary>
    public required string ModelId { get; init; }

    /// <summary>A SQLite connection with an empty table <c>t</c>, the target of the syncs the clients create and delete.</summary>
    public required string ScratchConnectionId { get; init; }

    /// <summary>The syncs the clients start again and again: those of the whole model, then the small sync.</summary>
    public required IReadOnlyList<string> BusySyncIds { get; init; }

    /// <summary>The newest execution id a client saw per busy sync, for Get Execution, the console log and the errors log.</summary>
    public ConcurrentDictionary<string, string> LatestExecutions { get; } = new(StringComparer.Ordinal);

    /// <summary>Ids of the executions that Start Sync accepted during the load.</summary>
    public ConcurrentBag<string> StartedExecutions { get; } = [];
}

/// <summary>
/// One API client of the load run: it sends its next request as soon as the previous response has arrived, picking
/// the call at random with fixed weights. On a 429 it waits for the time in the Retry-After header and sends the same request
/// again, as a well-behaved client would.
/// </summary>
internal sealed class LoadClient : IDisposable
{
    /// <summary>A request with no response by then counts as a connection error.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    /// <summary>Retries of one request after 429s, so that a client cannot wait forever behind its own key.</summary>
    private const int MaxRateLimitRetries = 20;

    /// <summary>The calls and their weights, in requests of that kind per 100 picks.</summary>
    private static readonly (int Weight, string Name)[] Mix =
    [
        (15, "sync status"),
        (10, "get sync"),
        (10, "list syncs"),
        (10, "list executions"),
        (12, "get execution"),
        (10, "console log"),
        (6, "errors log"),
        (15, "start execution"),
        (6, "model lifecycle"),
        (6, "sync lifecycle"),
    ];

    private readonly int _index;
    private readonly LoadWorkload _workload;
    private readonly LoadStatistics _statistics;
    private readonly HttpClient _http;
    private readonly Random _random;
    private int _created;

    public LoadClient(int index, Uri baseAddress, string key, LoadWorkload workload, LoadStatistics statistics)
    {
        _index = index;
        _workload = workload;
        _statistics = statistics;

        // Each client has its own connection pool, as separate programs calling the API would.
        _http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = baseAddress, Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // A fixed seed per client makes each client pick its calls in the same order on every run.
        _random = new Random(index);
    }

    /// <summary>Sends requests until the stop token fires. A request already sent runs to its end.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await RunCallAsync(PickCall());
        }
    }

    public void Dispose() => _http.Dispose();

    private string PickCall()
    {
        var pick = _random.Next(Mix.Sum(call => call.Weight));
        foreach (var (weight, name) in Mix)
        {
            if (pick < weight)
            {
                return name;
            }

            pick -= weight;
        }

        throw new InvalidOperationException("The weights of the call mix do not add up.");
    }

    private async Task RunCallAsync(string call)
    {
        var syncId = _workload.BusySyncIds[_random.Next(_workload.BusySyncIds.Count)];
        switch (call)
        {
            case "sync status":
                await GetStatusAsync(syncId);
                break;
            case "get sync":
                await SendAsync("GET /api/syncs/{id}", HttpMethod.Get, $"/api/syncs/{syncId}", null);
                break;
            case "list syncs":
                await ListSyncsAsync();
                break;
            case "list executions":
                await ListExecutionsAsync(syncId);
                break;
            case "get execution":
            case "console log":
            case "errors log":
                await ReadExecutionAsync(call, syncId);
                break;
            case "start execution":
                await StartExecutionAsync(syncId);
                break;
            case "model lifecycle":
                await RunModelLifecycleAsync();
                break;
            case "sync lifecycle":
                await RunSyncLifecycleAsync();
                break;
            default:
                throw new InvalidOperationException($"Unknown call '{call}'.");
        }
    }

    private async Task GetStatusAsync(string syncId)
    {
        var status = await SendAsync("GET /api/syncs/{id}/status", HttpMethod.Get, $"/api/syncs/{syncId}/status", null);
        var execution = status?["data"]?["current_execution"] ?? status?["data"]?["last_execution"];
        if (execution?["id"]?.GetValue<string>() is { } executionId)
        {
            _workload.LatestExecutions[syncId] = executionId;
        }
    }

    /// <summary>Lists the syncs two at a time, following up to three page tokens.</summary>
    private async Task ListSyncsAsync()
    {
        var page = await SendAsync("GET /api/syncs", HttpMethod.Get, "/api/syncs?limit=2", null);
        for (var next = 0; next < 3; next++)
        {
            if (page?["pagination"]?["next_page_token"]?.GetValue<string>() is not { } token)
            {
                return;
            }

            page = await SendAsync(
                "GET /api/syncs?page_token", HttpMethod.Get, $"/api/syncs?limit=2&page_token={Uri.EscapeDataString(token)}", null);
        }
    }

    /// <summary>Reads the first page of List Executions (50 executions) and follows up to two page tokens.</summary>
    private async Task ListExecutionsAsync(string syncId)
    {
        var page = await SendAsync(
            "GET /api/syncs/{id}/executions", HttpMethod.Get, $"/api/syncs/{syncId}/executions", null);
        if (page?["data"]?.AsArray() is [{ } newest, ..])
        {
            _workload.LatestExecutions[syncId] = newest["id"]!.GetValue<string>();
        }

        for (var next = 0; next < 2; next++)
        {
            if (page?["pagination"]?["next_page_token"]?.GetValue<string>() is not { } token)
            {
                return;
            }

            page = await SendAsync(
                "GET /api/syncs/{id}/executions?page_token",
                HttpMethod.Get,
                $"/api/syncs/{syncId}/executions?page_token={Uri.EscapeDataString(token)}",
                null);
        }
    }

    /// <summary>Reads the newest execution a client has seen of the sync; until one is known, reads the sync's status.</summary>
    private async Task ReadExecutionAsync(string call, string syncId)
    {
        if (!_workload.LatestExecutions.TryGetValue(syncId, out var executionId))
        {
            await GetStatusAsync(syncId);
            return;
        }

        var (route, path) = call switch
        {
            "get execution" => ("GET /api/syncs/{id}/executions/{id}", $"/api/syncs/{syncId}/executions/{executionId}"),
            "console log" => ("GET /api/syncs/{id}/executions/{id}/consolelog", $"/api/syncs/{syncId}/executions/{executionId}/consolelog"),
            _ => ("GET /api/syncs/{id}/executions/{id}/errors", $"/api/syncs/{syncId}/executions/{executionId}/errors"),
        };
        await SendAsync(route, HttpMethod.Get, path, null);
    }

    private async Task StartExecutionAsync(string syncId)
    {
        var started = await SendAsync(
            "POST /api/syncs/{id}/executions", HttpMethod.Post, $"/api/syncs/{syncId}/executions", new JsonObject());
        if (started?["data"]?["id"]?.GetValue<string>() is { } executionId)
        {
            _workload.StartedExecutions.Add(executionId);
            _workload.LatestExecutions[syncId] = executionId;
        }
    }

    /// <summary>Creates a model of the first rows of the generated table, replaces its query and deletes it.</summary>
    private async Task RunModelLifecycleAsync()
    {
        var name = NextName("model");
        var created = await SendAsync("POST /api/models", HttpMethod.Post, "/api/models", ModelBody(name, 100));
        if (created?["data"]?["id"]?.GetValue<string>() is not { } modelId)
        {
            return;
        }

        await SendAsync("PUT /api/models/{id}", HttpMethod.Put, $"/api/models/{modelId}", ModelBody(name, 200));
        await SendAsync("DELETE /api/models/{id}", HttpMethod.Delete, $"/api/models/{modelId}", null);
    }

    /// <summary>Creates an inactive sync of the busy syncs' model into the scratch target, renames it and deletes it.</summary>
    private async Task RunSyncLifecycleAsync()
    {
        var name = NextName("sync");
        var created = await SendAsync("POST /api/syncs", HttpMethod.Post, "/api/syncs", SyncBody(name));
        if (created?["data"]?["id"]?.GetValue<string>() is not { } syncId)
        {
            return;
        }

        await SendAsync("PUT /api/syncs/{id}", HttpMethod.Put, $"/api/syncs/{syncId}", SyncBody(name + " renamed"));
        await SendAsync("DELETE /api/syncs/{id}", HttpMethod.Delete, $"/api/syncs/{syncId}", null);
    }

    private string NextName(string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"load client {_index} {kind} {++_created}");

    private JsonObject ModelBody(string name, int rows) => new()
    {
        ["name"] = name,
        ["connection_id"] = _workload.SourceConnectionId,
        ["configuration"] = new JsonObject
        {
            ["query"] = string.Create(CultureInfo.InvariantCulture, $"SELECT id, name, amount FROM t WHERE id <= {rows}"),
        },
    };

    private JsonObject SyncBody(string name) => new()
    {
        ["name"] = name,
        ["mode"] = "replace",
        ["active"] = false,
        ["schedule"] = new JsonObject(),
        ["target"] = new JsonObject { ["connection_id"] = _workload.ScratchConnectionId, ["object"] = "t" },
        ["identity"] = new JsonObject
        {
            ["source"] = new JsonObject { ["model_id"] = _workload.ModelId, ["field"] = "id" },
            ["target"] = "id",
            ["function"] = "Equality",
        },
        ["fields"] = new JsonArray(LoadRun.Columns.Where(column => column != "id").Select(column => (JsonNode)new JsonObject
        {
            ["source"] = new JsonObject { ["model_id"] = _workload.ModelId, ["field"] = column },
            ["target"] = column,
        }).ToArray()),
    };

    /// <summary>
    /// Sends one request, records it under the route and returns the parsed body of a 2xx response, or null for any
    /// other outcome. A 429 is recorded and the request is sent again after Retry-After, also after the load ended, so
    /// that a lifecycle started before the end deletes what it created.
    /// </summary>
    private async Task<JsonNode?> SendAsync(string route, HttpMethod method, string path, JsonNode? body)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            var stopwatch = Stopwatch.StartNew();
            HttpResponseMessage response;
            string text;
            try
            {
                // No cancellation: a request in flight when the load ends still counts.
                response = await _http.SendAsync(request, CancellationToken.None);
                text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                _statistics.Record(route, LoadOutcome.ConnectionError, 0, $"{method} {path}: {exception.Message}");
                return null;
            }

            stopwatch.Stop();
            using (response)
            {
                var milliseconds = stopwatch.Elapsed.TotalMilliseconds;
                var status = response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    _statistics.Record(route, LoadOutcome.Success, milliseconds);
                    return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text);
                }

                if (status == HttpStatusCode.Conflict && route == "POST /api/syncs/{id}/executions")
                {
                    _statistics.Record(route, LoadOutcome.ExpectedConflict, milliseconds);
                    return null;
                }

                if (status != HttpStatusCode.TooManyRequests)
                {
                    _statistics.Record(
                        route, LoadOutcome.Unexpected, milliseconds, $"{method} {path} returned HTTP {(int)status}: {Truncate(text)}");
                    return null;
                }

                _statistics.Record(route, LoadOutcome.RateLimited, milliseconds);
                if (attempt == MaxRateLimitRetries)
                {
                    return null;
                }

                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait, CancellationToken.None);
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
