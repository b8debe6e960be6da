using System.Text.Json.Serialization;

namespace Outflow.Api.Errors;

/// <summary>
/// The body of every 4xx and 5xx response. <c>error</c> and <c>code</c> are set only on 401,
/// where older clients read the body as <c>RestErrResponse</c>.
/// </summary>
internal sealed record ApiError
{
    [JsonPropertyName("status")]
    public required int Status { get; init; }

    [JsonPropertyName("key")]
    public required string Key { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, object?>? Metadata { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("code")]
    public int? Code { get; init; }
}
