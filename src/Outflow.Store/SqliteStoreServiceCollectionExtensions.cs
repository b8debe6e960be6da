using Microsoft.Extensions.Logging;
using Outflow.Core.Connections;
using Outflow.Core.Executions;
using Outflow.Core.Models;
using Outflow.Core.Organizations;
using Outflow.Core.Security;
using Outflow.Core.Storage;
using Outflow.Core.Syncs;
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
        services.AddSingleton(provider => new SecretProtector(provider.GetRequiredService<MasterKey>()));
        services.AddSingleton<IStoreMaintenance, StoreMaintenance>();
        services.AddSingleton<IOrganizationStore, OrganizationStore>();
        services.AddSingleton<IConnectionStore, ConnectionStore>();
        services.AddSingleton<IModelStore, ModelStore>();
        services.AddSingleton<ISyncStore, SyncStore>();
        services.AddSingleton<IExecutionStore, ExecutionStore>();
        services.AddSingleton<ISyncStateStore, SyncStateStore>();
        services.AddSingleton<IExecutionConsoleLog, ExecutionConsoleLog>();
        return services;
    }
}
