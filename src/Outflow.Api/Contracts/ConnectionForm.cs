using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The configuration form of a connection type: a JSON Schema of its configuration object.</summary>
internal sealed record ConnectionForm([property: JsonPropertyName("jsonschema")] JsonObject JsonSchema);
