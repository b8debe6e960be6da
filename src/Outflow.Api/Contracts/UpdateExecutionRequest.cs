using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The body of Update Execution (<c>UpdateExecutionRequest</c>). <c>status</c> is read as text so that an unknown
/// value gets an error listing the valid ones.
/// </summary>
internal sealed record UpdateExecutionRequest
{
    [JsonPropertyName("status")]
    public string? Status { get; init; }
}
