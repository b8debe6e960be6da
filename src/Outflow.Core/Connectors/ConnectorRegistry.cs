namespace Outflow.Core.Connectors;

/// <summary>The connector families this deployment ships, by connection type id.</summary>
public sealed class ConnectorRegistry
{
    private readonly Dictionary<string, IConnectorFactory> _factories;

    public ConnectorRegistry(IEnumerable<IConnectorFactory> factories)
    {
        _factories = factories.ToDictionary(f => f.Info.Id, StringComparer.Ordinal);
    }

    public IEnumerable<IConnectorFactory> All => _factories.Values.OrderBy(f => f.Info.Id, StringComparer.Ordinal);

    public IConnectorFactory? Find(string type) => _factories.GetValueOrDefault(type);
}
