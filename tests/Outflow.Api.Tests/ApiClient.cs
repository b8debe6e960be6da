using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>A thin HTTP client that sends JSON text and returns the status, headers and parsed body.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(Uri baseAddress, AuthenticationHeaderValue? authorization)
    {
        _http = new HttpClient { BaseAddress = baseAddress };
        _http.DefaultRequestHeaders.Authorization = authorization;
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<ApiResponse> PostAsync(string path, JsonNode? body) => SendAsync(HttpMethod.Post, path, body?.ToJsonString());

    public Task<ApiResponse> PutAsync(string path, JsonNode? body) => SendAsync(HttpMethod.Put, path, body?.ToJsonString());

    public async Task<ApiResponse> SendAsync(
        HttpMethod method, string path, string? body = null, IReadOnlyDictionary<string, string>? headers = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(
            response.StatusCode,
            text,
            text.Length == 0 ? null : JsonNode.Parse(text),
            response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
            response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => _http.Dispose();
}
