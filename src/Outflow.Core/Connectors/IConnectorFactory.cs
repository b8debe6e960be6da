using System.Text.Json.Nodes;

namespace Outflow.Core.Connectors;

/// <summary>
/// The entry point of one connector family: describes its connection type, validates configurations and
/// opens source and target connectors. One registration line in the host adds a family.
/// </summary>
public interface IConnectorFactory
{
    ConnectionTypeInfo Info { get; }

    /// <summary>
    /// Checks a configuration's shape without contacting the system: required keys, JSON types, ranges,
    /// paths inside the files root. Fills in defaults for keys that are absent.
    /// </summary>
    IReadOnlyList<ConfigurationProblem> Validate(JsonObject configuration, ConnectorEnvironment environment);

    /// <summary>Connects with the configuration and checks that it can be used.</summary>
    /// <exception cref="ConnectorException">The system is unreachable or rejected the credentials.</exception>
    Task TestAsync(JsonObject configuration, ConnectorEnvironment environment, CancellationToken cancellationToken);

    /// <exception cref="NotSupportedException">The type cannot be a source.</exception>
    ISourceConnector CreateSource(JsonObject configuration, ConnectorEnvironment environment);

    /// <exception cref="NotSupportedException">The type cannot be a target.</exception>
    ITargetConnector CreateTarget(JsonObject configuration, ConnectorEnvironment environment);
}
