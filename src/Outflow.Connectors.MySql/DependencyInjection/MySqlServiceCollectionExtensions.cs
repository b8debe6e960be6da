using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Connectors.MySql;
using Outflow.Core.Connectors;

namespace Microsoft.Extensions.DependencyInjection;

public static class MySqlServiceCollectionExtensions
{
    /// <summary>Registers the <c>mysql</c> connection type as an <see cref="IConnectorFactory"/> singleton.</summary>
    public static IServiceCollection AddMySqlConnector(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectorFactory, MySqlConnectorFactory>());
        return services;
    }
}
