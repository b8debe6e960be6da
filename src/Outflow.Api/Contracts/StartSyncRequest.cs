using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The optional body of Start Sync (<c>StartSyncRequest</c>).</summary>
internal sealed record StartSyncRequest
{
    [JsonPropertyName("identities")]
    public List<string>? Identities { get; init; }

    [JsonPropertyName("resync")]
    public bool? Resync { get; init; }

    [JsonPropertyName("test")]
    public bool? Test { get; init; }

    /// <summary>Outflow's extension: count and log what a normal execution would do, and write nothing.</summary>
    [JsonPropertyName("dry_run")]
    public bool? DryRun { get; init; }
}
