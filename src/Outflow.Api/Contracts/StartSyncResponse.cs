using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The execution that Start Sync created (<c>StartSyncResponseSchema</c>).</summary>
internal sealed record StartSyncResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);
