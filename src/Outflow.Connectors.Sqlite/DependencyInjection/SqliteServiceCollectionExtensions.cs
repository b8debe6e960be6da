using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;

namespace Microsoft.Extensions.DependencyInjection;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>Registers the <c>sqlite</c> connection type as an <see cref="IConnectorFactory"/> singleton.</summary>
    public static IServiceCollection AddSqliteConnector(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectorFactory, SqliteConnectorFactory>());
        return services;
    }
}
