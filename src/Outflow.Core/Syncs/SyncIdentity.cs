using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>How model rows match target records: a model field, a target field and a comparison function.</summary>
public sealed record SyncIdentity
{
    [JsonPropertyName("source")]
    public SourceField? Source { get; init; }

    [JsonPropertyName("target")]
    public string? Target { get; init; }

    /// <summary>A <c>SchemaIdentityFunction</c>: <c>Equality</c>, <c>ISubstring</c>, <c>OneOf</c>, <c>DomainMatch</c>, <c>HostnameMatch</c>.</summary>
    [JsonPropertyName("function")]
    public string? Function { get; init; }

    [JsonPropertyName("new_field")]
    public bool? NewField { get; init; }

    [JsonPropertyName("remote_field_type_id")]
    public string? RemoteFieldTypeId { get; init; }
}
