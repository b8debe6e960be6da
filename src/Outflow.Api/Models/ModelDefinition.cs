using System.Text.Json.Nodes;
using Outflow.Core.Connections;
using Outflow.Core.Models;

namespace Outflow.Api.Models;

/// <summary>A validated model request: the source connection, the configuration and the resulting fields.</summary>
internal sealed record ModelDefinition(
    string Name,
    Connection Connection,
    JsonObject Configuration,
    IReadOnlyList<ModelField> Fields,
    string? Identifier,
    IReadOnlyList<string> TrackingColumns);
