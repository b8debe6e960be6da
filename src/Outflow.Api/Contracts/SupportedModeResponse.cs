using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>A sync mode a target object supports (<c>SupportedMode</c>); <see cref="Id"/> is the mode's wire name.</summary>
internal sealed record SupportedModeResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("requires_identity")] bool RequiresIdentity,
    [property: JsonPropertyName("supports_per_field_mode")] bool SupportsPerFieldMode,
    [property: JsonPropertyName("supports_target_filters")] bool SupportsTargetFilters);
