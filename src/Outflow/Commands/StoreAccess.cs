using Microsoft.Extensions.DependencyInjection;
using Outflow.Core.Organizations;
using Outflow.Core.Storage;
using Outflow.Hosting;

namespace Outflow.Commands;

/// <summary>The store of a data directory, opened without a server, for commands such as <c>migrate</c>.</summary>
internal sealed class StoreAccess(ServiceProvider services) : IAsyncDisposable
{
    public IStoreMaintenance Maintenance => services.GetRequiredService<IStoreMaintenance>();

    public IOrganizationStore Organizations => services.GetRequiredService<IOrganizationStore>();

    public static StoreAccess Open(ServerSettings settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        StoreRegistration.AddStore(services, settings);
        return new StoreAccess(services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
