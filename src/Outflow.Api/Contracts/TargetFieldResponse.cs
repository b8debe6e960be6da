using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// A field of a target object (<c>TargetField</c>). <see cref="Type"/> is a lowercase field type name and
/// <see cref="SourceType"/> the target's native type.
/// </summary>
internal sealed record TargetFieldResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("source_type")]
    public required string SourceType { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("required")]
    public required bool Required { get; init; }

    [JsonPropertyName("createable")]
    public required bool Createable { get; init; }

    [JsonPropertyName("updateable")]
    public required bool Updateable { get; init; }

    [JsonPropertyName("filterable")]
    public required bool Filterable { get; init; }

    [JsonPropertyName("encryptable")]
    public required bool Encryptable { get; init; }

    [JsonPropertyName("association")]
    public required bool Association { get; init; }

    [JsonPropertyName("supports_identity")]
    public required bool SupportsIdentity { get; init; }

    [JsonPropertyName("identity_functions")]
    public required List<IdentityFunctionResponse> IdentityFunctions { get; init; }
}
