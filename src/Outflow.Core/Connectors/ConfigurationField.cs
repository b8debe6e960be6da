using System.Text.Json.Nodes;

namespace Outflow.Core.Connectors;

/// <summary>
/// One key of a connection type's configuration. <see cref="Type"/> is a JSON Schema type name
/// (<c>string</c>, <c>integer</c>, <c>boolean</c>, <c>object</c>). <see cref="AllowedValues"/>, when set, lists every value
/// that validation accepts, and the configuration's JSON Schema gives them as the property's <c>enum</c>.
/// </summary>
public sealed record ConfigurationField(
    string Name,
    string Type,
    string Description,
    bool Required = false,
    bool Secret = false,
    JsonNode? Default = null,
    IReadOnlyList<string>? AllowedValues = null);
