using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Connectors.Webhook;
using Outflow.Core.Connectors;

namespace Microsoft.Extensions.DependencyInjection;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>Registers the <c>webhook</c> connection type as an <see cref="IConnectorFactory"/> singleton.</summary>
    public static IServiceCollection AddWebhookConnector(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectorFactory, WebhookConnectorFactory>());
        return services;
    }
}
