using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The sync's id and its new <c>active</c> value (<c>ActivateSyncOutput</c>).</summary>
internal sealed record ActivateSyncResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("active")] bool Active);
