using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A sync mode a target object supports, as Get Target Fields describes it (<c>Mode</c>).</summary>
internal sealed record TargetModeResponse(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("requires_identity")] bool RequiresIdentity,
    [property: JsonPropertyName("supports_field_sync_mode")] bool SupportsFieldSyncMode,
    [property: JsonPropertyName("supports_target_filters")] bool SupportsTargetFilters);
