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
        if (!string.Equals(settings.Store, "sqlite", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"store \"{settings.Store}\" is not supported yet; use \"sqlite\" (the embedded store in the data directory)");
        }

        Directory.CreateDirectory(settings.ResolvedDataDirectory);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(MasterKeyLoader.Load(settings));
        services.AddSqliteStore(Path.Combine(settings.ResolvedDataDirectory, "outflow.db"));
        return new StoreAccess(services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
