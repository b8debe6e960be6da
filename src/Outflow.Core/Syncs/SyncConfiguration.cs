using System.Text.Json.Serialization;

namespace Outflow.Core.Syncs;

/// <summary>
/// A sync's whole configuration as the client sends it (<c>CreateSyncRequest</c>, <c>UpdateSyncRequest</c>),
/// stored as given after validation. An execution runs on a copy taken when it starts.
/// </summary>
public sealed record SyncConfiguration
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Null only in an unvalidated request.</summary>
    [JsonPropertyName("mode")]
    public SyncMode? Mode { get; init; }

    [JsonPropertyName("target")]
    public SyncTarget? Target { get; init; }

    [JsonPropertyName("fields")]
    public List<SyncField>? Fields { get; init; }

    [JsonPropertyName("schedule")]
    public Schedule? Schedule { get; init; }

    [JsonPropertyName("active")]
    public bool? Active { get; init; }

    [JsonPropertyName("identity")]
    public SyncIdentity? Identity { get; init; }

    [JsonPropertyName("filters")]
    public List<SyncFilter>? Filters { get; init; }

    [JsonPropertyName("filter_logic")]
    public string? FilterLogic { get; init; }

    [JsonPropertyName("overrides")]
    public List<SyncOverride>? Overrides { get; init; }

    [JsonPropertyName("override_fields")]
    public List<SyncField>? OverrideFields { get; init; }

    [JsonPropertyName("policies")]
    public List<Guid>? Policies { get; init; }

    [JsonPropertyName("only_enrich_updates")]
    public bool? OnlyEnrichUpdates { get; init; }

    [JsonPropertyName("skip_initial_backfill")]
    public bool? SkipInitialBackfill { get; init; }

    [JsonPropertyName("sync_all_records")]
    public bool? SyncAllRecords { get; init; }

    /// <summary>Write-only: never returned by the API.</summary>
    [JsonPropertyName("encryption_passphrase")]
    public string? EncryptionPassphrase { get; init; }

    /// <summary>
    /// Lists the distinct models referenced by fields, identity, filters and overrides, in order of first use.
    /// </summary>
    public IReadOnlyList<Guid> ReferencedModelIds()
    {
        var ids = new List<Guid>();
        void Add(SourceField? source)
        {
            if (source is not null && !ids.Contains(source.ModelId))
            {
                ids.Add(source.ModelId);
            }
        }

        Add(Identity?.Source);
        foreach (var field in Fields ?? [])
        {
            Add(field.Source);
        }

        foreach (var field in OverrideFields ?? [])
        {
            Add(field.Source);
        }

        foreach (var filter in Filters ?? [])
        {
            Add(filter.Field);
        }

        foreach (var item in Overrides ?? [])
        {
            Add(item.Field);
        }

        return ids;
    }
}
