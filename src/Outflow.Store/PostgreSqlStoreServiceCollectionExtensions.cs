using Outflow.Core.Security;
using Outflow.Core.Storage;
using Outflow.Store;
using Outflow.Store.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

public static class PostgreSqlStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the metadata store on one PostgreSQL database, which several Outflow processes may share,
    /// as singletons of every store interface. The connection string is an Npgsql key=value string or a
    /// <c>postgresql://</c> URI and is checked here, so a bad value fails at startup. Requires
    /// <see cref="MasterKey"/>, <see cref="TimeProvider"/> and logging to be registered. Run
    /// <see cref="IStoreMaintenance.MigrateAsync"/> before the first use.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is neither accepted form, or names no host or database.</exception>
    public static IServiceCollection AddPostgreSqlStore(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        PostgreSqlConnectionString.Parse(connectionString);
        services.AddSingleton<IStoreDatabase>(_ => new PostgreSqlDatabase(connectionString));
        return StoreServices.AddStores(services);
    }
}
