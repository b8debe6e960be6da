using System.Text.Json.Nodes;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;

namespace Outflow.Api.Models;

/// <summary>A model request whose checks without source access passed, with the objects those checks looked up.</summary>
internal sealed record CheckedModelRequest(
    string Name,
    Connection Connection,
    IConnectorFactory Factory,
    JsonObject Configuration,
    ModelSource Source,
    IReadOnlyList<AdditionalField> AdditionalFields);
