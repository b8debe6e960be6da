using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Outflow.EndToEnd.Tests;

/// <summary>A thin HTTP client for Outflow's API that fails the test on an unexpected status.</summary>
public sealed class ApiClient : IDisposable
{
    private static readonly string[] TerminalStatuses = ["completed", "failed", "canceled", "interrupted"];

    /// <summary>How many times a rate-limited request is sent before the 429 fails the test.</summary>
    private const int MaxRateLimitedAttempts = 30;

    private readonly HttpClient _http;

    public ApiClient(Uri baseAddress, string apiKey)
    {
        _http = new HttpClient { BaseAddress = baseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public async Task<JsonNode> GetAsync(string path) => await SendAsync(HttpMethod.Get, path, null);

    public async Task<JsonNode> PostAsync(string path, object? body) => await SendAsync(HttpMethod.Post, path, body);

    public async Task<JsonNode> PutAsync(string path, object body) => await SendAsync(HttpMethod.Put, path, body);

    /// <summary>Returns whether an execution with the wire status <paramref name="status"/> has ended.</summary>
    public static bool IsTerminal(string status) => TerminalStatuses.Contains(status);

    /// <summary>Sends a request and returns the status with the parsed body (null when empty).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendRawAsync(HttpMethod method, string path, object? body)
    {
        var (status, json, _) = await SendOnceAsync(method, path, body);
        return (status, json);
    }

    /// <summary>Starts an execution of the sync and waits until it reaches a terminal status.</summary>
    public async Task<JsonNode> RunSyncAsync(string syncId)
    {
        var started = await PostAsync($"api/syncs/{syncId}/executions", new { });
        var executionId = started["data"]!["id"]!.GetValue<string>();
        var deadline = Environment.TickCount64 + 120_000;
        while (true)
        {
            var execution = (await GetAsync($"api/syncs/{syncId}/executions/{executionId}"))["data"]!;
            if (TerminalStatuses.Contains(execution["status"]!.GetValue<string>()))
            {
                return execution;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"execution {executionId} did not finish: {execution.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the sync has no current execution and returns its last one, for example an execution that a restarted
    /// server resumes.
    /// </summary>
    public async Task<JsonNode> WaitForLastExecutionAsync(string syncId)
    {
        var deadline = Environment.TickCount64 + 180_000;
        while (true)
        {
            var status = (await GetAsync($"api/syncs/{syncId}/status"))["data"]!;
            if (status["current_execution"] is null && status["last_execution"] is { } last)
            {
                return last;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"the resumed execution did not finish: {status.ToJsonString()}");
            }

            await Task.Delay(200);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Sends the request and returns the body of a 200 response. A 429 is retried after its Retry-After, as a script
    /// that polls many syncs would do, because tests that watch hundreds of syncs reach the API key's rate limit.
    /// </summary>
    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body)
    {
        var (status, json, retryAfter) = await SendOnceAsync(method, path, body);
        for (var attempt = 1; status == HttpStatusCode.TooManyRequests && attempt < MaxRateLimitedAttempts; attempt++)
        {
            await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1));
            (status, json, retryAfter) = await SendOnceAsync(method, path, body);
        }

        if (status != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{method} {path} returned {(int)status}: {json?.ToJsonString()}");
        }

        return json ?? new JsonObject();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, TimeSpan? RetryAfter)> SendOnceAsync(
        HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.RetryAfter?.Delta);
    }
}
