using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>The object a sync writes to.</summary>
public sealed record SyncTarget
{
    [JsonPropertyName("connection_id")]
    public Guid ConnectionId { get; init; }

    [JsonPropertyName("object")]
    public string? Object { get; init; }

    [JsonPropertyName("create")]
    public Dictionary<string, string>? Create { get; init; }

    [JsonPropertyName("new_name")]
    public string? NewName { get; init; }

    [JsonPropertyName("configuration")]
    public JsonObject? Configuration { get; init; }

    [JsonPropertyName("filter_logic")]
    public string? FilterLogic { get; init; }

    [JsonPropertyName("search_values")]
    public JsonObject? SearchValues { get; init; }
}
