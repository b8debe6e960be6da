using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Outflow.Client;

/// <summary>
/// Calls a running Outflow server's API for the client commands, with the key as a bearer token. Waits and retries
/// when the server rate-limits the key, and turns every failure into a <see cref="ClientException"/> with a message
/// for the terminal.
/// </summary>
internal sealed class ServerClient : IDisposable
{
    private const int RateLimitRetries = 5;

    private readonly HttpClient _http;

    public ServerClient(Uri baseAddress, string apiKey)
    {
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("outflow-cli", "1"));
    }

    public Uri BaseAddress { get; }

    /// <summary>Returns the <c>data</c> member of a GET response.</summary>
    /// <exception cref="ClientException">The request failed or the server returned an error.</exception>
    public async Task<JsonNode> GetDataAsync(string path, CancellationToken cancellationToken) =>
        Data(await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false), path);

    /// <summary>Returns the <c>data</c> member of a POST response.</summary>
    /// <exception cref="ClientException">The request failed or the server returned an error.</exception>
    public async Task<JsonNode> PostDataAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        Data(await SendAsync(HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false), path);

    /// <summary>
    /// Follows <c>pagination.next_page_token</c> from the first page of a list route and returns the items of every
    /// page, stopping once <paramref name="limit"/> items are in hand.
    /// </summary>
    /// <exception cref="ClientException">A request failed or the server returned an error.</exception>
    public async Task<List<JsonObject>> ListAsync(string path, int limit, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = token is null ? path : AddQuery(path, "page_token", token);
            var response = await SendAsync(HttpMethod.Get, page, null, cancellationToken).ConfigureAwait(false);
            if (Data(response, path) is not JsonArray data)
            {
                throw new ClientException($"GET {path} returned no list in data; is {BaseAddress} an Outflow server?");
            }

            // Copies, so that callers may put the items into new JSON documents.
            items.AddRange(data.OfType<JsonObject>().Select(item => (JsonObject)item.DeepClone()));
            token = response["pagination"]?["next_page_token"]?.GetValue<string>();
        }
        while (token is not null && items.Count < limit);

        return items.Count > limit ? items[..limit] : items;
    }

    public void Dispose() => _http.Dispose();

    private static string AddQuery(string path, string name, string value) =>
        path + (path.Contains('?', StringComparison.Ordinal) ? '&' : '?') + name + "=" + Uri.EscapeDataString(value);

    private JsonNode Data(JsonNode response, string path) =>
        response["data"] ?? throw new ClientException($"{path} returned no data member; is {BaseAddress} an Outflow server?");

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/'));
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            using var response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < RateLimitRetries)
            {
                var delay = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ClientException(ErrorMessage(method, path, response, text));
            }

            try
            {
                return JsonNode.Parse(text) ?? throw new JsonException("the body is the JSON literal null");
            }
            catch (JsonException exception)
            {
                throw new ClientException(
                    $"{method} {path} returned a body that is not JSON ({exception.Message}); is {BaseAddress} an Outflow server?",
                    exception);
            }
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (exception.InnerException is SocketException)
        {
            throw new ClientException(
                $"could not connect to {BaseAddress}: {exception.Message}. Start the server with `outflow serve`, " +
                "or pass its address with --url (OUTFLOW_URL).",
                exception);
        }
        catch (HttpRequestException exception)
        {
            throw new ClientException($"{request.Method} {BaseAddress}{request.RequestUri} failed: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClientException(
                $"{request.Method} {BaseAddress}{request.RequestUri} timed out after {_http.Timeout.TotalSeconds:0} s", exception);
        }
    }

    /// <summary>Builds a message from the server's ApiError body, or from the status alone when the body is not one.</summary>
    private static string ErrorMessage(HttpMethod method, string path, HttpResponseMessage response, string body)
    {
        string? message = null;
        try
        {
            message = JsonNode.Parse(body)?["message"]?.GetValue<string>();
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not an ApiError body: the status alone describes the failure.
        }

        var text = $"{method} {path} failed with {(int)response.StatusCode} {response.ReasonPhrase}" + (message is null ? "" : $": {message}");
        return response.StatusCode == HttpStatusCode.Unauthorized ? text + " (the key comes from --api-key or OUTFLOW_API_KEY)" : text;
    }
}

/// <summary>A failure of a client command, with a message meant for the terminal.</summary>
internal sealed class ClientException : Exception
{
    public ClientException(string message)
        : base(message)
    {
    }

    public ClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
