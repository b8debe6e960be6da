using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>One field mapping: a model field or a constant written to a target field.</summary>
public sealed record SyncField
{
    [JsonPropertyName("target")]
    public string? Target { get; init; }

    [JsonPropertyName("source")]
    public SourceField? Source { get; init; }

    /// <summary>A constant to write; when present, <see cref="Source"/> is ignored.</summary>
    [JsonPropertyName("override_value")]
    public string? OverrideValue { get; init; }

    [JsonPropertyName("new")]
    public bool? New { get; init; }

    [JsonPropertyName("encryption_enabled")]
    public bool? EncryptionEnabled { get; init; }

    /// <summary><c>updateOrCreate</c> (the default: always write) or <c>create</c>.</summary>
    [JsonPropertyName("sync_mode")]
    public string? SyncMode { get; init; }
}
