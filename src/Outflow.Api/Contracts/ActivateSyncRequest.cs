using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The body of Activate Sync (<c>ActivateSyncInput</c>); <c>active</c> is required.</summary>
internal sealed record ActivateSyncRequest
{
    [JsonPropertyName("active")]
    public bool? Active { get; init; }
}
