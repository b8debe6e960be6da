using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Connectors.Files;
using Outflow.Core.Connectors;

namespace Microsoft.Extensions.DependencyInjection;

public static class FilesServiceCollectionExtensions
{
    /// <summary>Registers the <c>files</c> connection type as an <see cref="IConnectorFactory"/> singleton.</summary>
    public static IServiceCollection AddFilesConnector(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectorFactory, FilesConnectorFactory>());
        return services;
    }
}
