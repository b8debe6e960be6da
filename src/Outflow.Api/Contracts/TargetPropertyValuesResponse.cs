using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The legal values of one target creation property (<c>TargetPropertyValues</c>).</summary>
internal sealed record TargetPropertyValuesResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("enum")] bool Enum,
    [property: JsonPropertyName("values")] List<EnumValueResponse> Values);
