using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Connectors.PostgreSql;
using Outflow.Core.Connectors;

namespace Microsoft.Extensions.DependencyInjection;

public static class PostgreSqlServiceCollectionExtensions
{
    /// <summary>Registers the <c>postgresql</c> connection type as an <see cref="IConnectorFactory"/> singleton.</summary>
    public static IServiceCollection AddPostgreSqlConnector(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectorFactory, PostgreSqlConnectorFactory>());
        return services;
    }
}
