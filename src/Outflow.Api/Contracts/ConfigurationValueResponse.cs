using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>One key of a source configuration (<c>ConfigurationValue</c>): its JSON type and the values offered for it.</summary>
internal sealed record ConfigurationValueResponse(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("items")] List<string> Items);
