using Microsoft.Extensions.Logging;
using Outflow.Core.Security;
using Outflow.Core.Storage;
using Outflow.Store;
using Outflow.Store.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

public static class SqliteStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the metadata store on one SQLite file as singletons of every store interface. Requires
    /// <see cref="MasterKey"/>, <see cref="TimeProvider"/> and logging to be registered. Run
    /// <see cref="IStoreMaintenance.MigrateAsync"/> before the first use.
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton<IStoreDatabase>(provider =>
            new SqliteDatabase(databasePath, provider.GetRequiredService<ILogger<SqliteDatabase>>()));
        return StoreServices.AddStores(services);
    }
}
