using Microsoft.Extensions.Logging;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Models;

namespace Outflow.Engine.Running;

/// <summary>The services every part of a running execution uses.</summary>
internal sealed record EngineServices(
    IExecutionStore Executions,
    ISyncStateStore State,
    IModelStore Models,
    IConnectionStore Connections,
    ConnectorRegistry Registry,
    ConnectorEnvironment Environment,
    EngineOptions Options,
    TimeProvider Time,
    ILogger Logger);
