using System.Text.Json.Serialization;
using Outflow.Core.Syncs;

namespace Outflow.Api.Contracts;

/// <summary>
/// A sync: its stored configuration (without the write-only <c>encryption_passphrase</c>) plus identity and
/// audit data. List Syncs also sets <see cref="TargetConnectionId"/> and <see cref="TargetObject"/>, so its items
/// fit both the <c>SyncResponse</c> and the <c>ListSyncItem</c> shapes.
/// </summary>
internal sealed record SyncResponse
{
    [JsonPropertyName("id")]
    public required Guid Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("mode")]
    public SyncMode? Mode { get; init; }

    [JsonPropertyName("active")]
    public required bool Active { get; init; }

    [JsonPropertyName("target")]
    public SyncTarget? Target { get; init; }

    [JsonPropertyName("fields")]
    public List<SyncField>? Fields { get; init; }

    [JsonPropertyName("schedule")]
    public Schedule? Schedule { get; init; }

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

    [JsonPropertyName("model_ids")]
    public required IReadOnlyList<Guid> ModelIds { get; init; }

    [JsonPropertyName("organization_id")]
    public required Guid OrganizationId { get; init; }

    [JsonPropertyName("target_connection_id")]
    public Guid? TargetConnectionId { get; init; }

    [JsonPropertyName("target_object")]
    public string? TargetObject { get; init; }

    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updated_at")]
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonPropertyName("created_by")]
    public required ActorResponse CreatedBy { get; init; }

    [JsonPropertyName("updated_by")]
    public required ActorResponse UpdatedBy { get; init; }

    public static SyncResponse From(Sync sync, bool asListItem = false)
    {
        var configuration = sync.Configuration;
        return new SyncResponse
        {
            Id = sync.Id,
            Name = configuration.Name,
            Mode = configuration.Mode,
            Active = sync.Active,
            Target = configuration.Target,
            Fields = configuration.Fields,
            Schedule = configuration.Schedule,
            Identity = configuration.Identity,
            Filters = configuration.Filters,
            FilterLogic = configuration.FilterLogic,
            Overrides = configuration.Overrides,
            OverrideFields = configuration.OverrideFields,
            Policies = configuration.Policies ?? [],
            // An omitted flag means false, so the response returns false instead of null.
            OnlyEnrichUpdates = configuration.OnlyEnrichUpdates ?? false,
            SkipInitialBackfill = configuration.SkipInitialBackfill ?? false,
            SyncAllRecords = configuration.SyncAllRecords ?? false,
            ModelIds = sync.ModelIds,
            OrganizationId = sync.OrganizationId,
            TargetConnectionId = asListItem ? configuration.Target?.ConnectionId : null,
            TargetObject = asListItem ? configuration.Target?.Object : null,
            CreatedAt = sync.CreatedAt,
            UpdatedAt = sync.UpdatedAt,
            CreatedBy = ActorResponse.From(sync.CreatedBy),
            UpdatedBy = ActorResponse.From(sync.UpdatedBy),
        };
    }
}
