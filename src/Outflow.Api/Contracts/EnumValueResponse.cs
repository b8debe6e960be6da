using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>One legal value of a property, with an optional display label (<c>UtilEnumValue</c>).</summary>
internal sealed record EnumValueResponse(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("label")] string? Label);
