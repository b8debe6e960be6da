using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>One response: status, raw text, parsed JSON (null when the body is empty), headers and media type.</summary>
public sealed record ApiResponse(
    HttpStatusCode Status,
    string Text,
    JsonNode? Body,
    IReadOnlyDictionary<string, string> Headers,
    string? MediaType)
{
    public JsonNode Data => Body?["data"] ?? throw new InvalidOperationException($"the response has no data: {Text}");

    public string? ErrorKey => Body?["key"]?.GetValue<string>();

    public string? ErrorField => Body?["metadata"]?["field"]?.GetValue<string>();
}
