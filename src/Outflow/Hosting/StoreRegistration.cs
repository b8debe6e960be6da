namespace Outflow.Hosting;

/// <summary>Registers the metadata store a server or a store command uses, with the clock and the master key it needs.</summary>
internal static class StoreRegistration
{
    private const string SqliteStore = "sqlite";

    private static string SqlitePath(ServerSettings settings) => Path.Combine(settings.ResolvedDataDirectory, "outflow.db");

    /// <summary>
    /// Returns the SQLite store file that the settings name when it does not exist yet, so that a command can warn
    /// that it is about to create one. Returns null for a PostgreSQL store or an existing file.
    /// </summary>
    public static string? MissingSqliteStore(ServerSettings settings) =>
        IsSqlite(settings.Store) && !File.Exists(SqlitePath(settings)) ? SqlitePath(settings) : null;

    /// <exception cref="InvalidOperationException">The settings name a store this version does not support.</exception>
    public static void AddStore(IServiceCollection services, ServerSettings settings)
    {
        EnsureSupported(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(MasterKeyLoader.Load(settings));
        if (IsSqlite(settings.Store))
        {
            Directory.CreateDirectory(settings.ResolvedDataDirectory);
            services.AddSqliteStore(SqlitePath(settings));
        }
        else
        {
            services.AddPostgreSqlStore(settings.Store);
        }
    }

    /// <summary>Checks that the store setting is <c>sqlite</c> or a valid PostgreSQL connection string.</summary>
    /// <exception cref="InvalidOperationException">The settings name a store this version does not support.</exception>
    public static void EnsureSupported(ServerSettings settings)
    {
        var store = settings.Store.Trim();
        if (IsSqlite(store))
        {
            return;
        }

        // AddPostgreSqlStore parses the connection string at once, so a throwaway registration validates it.
        try
        {
            new ServiceCollection().AddPostgreSqlStore(store);
        }
        catch (ArgumentException exception)
        {
            // The message never repeats the value, because a connection string may contain a password.
            throw new InvalidOperationException(
                "the store setting (--store or OUTFLOW_STORE) is neither \"sqlite\" nor a valid PostgreSQL connection string. "
                + exception.Message,
                exception);
        }
    }

    /// <summary>
    /// Returns where Quartz keeps its jobs and triggers: the store's own database, through the same connection string.
    /// </summary>
    public static Outflow.Scheduling.OutflowSchedulingOptions SchedulingOptionsFor(ServerSettings settings, bool executesJobs) =>
        IsSqlite(settings.Store)
            ? new()
            {
                Database = Outflow.Scheduling.SchedulingDatabase.Sqlite,
                ConnectionString = Outflow.Store.StoreConnectionStrings.ForSqlite(SqlitePath(settings)),
                ExecutesJobs = executesJobs,
                RecoverySweepInterval = settings.RecoverySweepInterval,
            }
            : new()
            {
                Database = Outflow.Scheduling.SchedulingDatabase.PostgreSql,
                ConnectionString = Outflow.Store.StoreConnectionStrings.ForPostgreSql(settings.Store.Trim()),
                ExecutesJobs = executesJobs,
                RecoverySweepInterval = settings.RecoverySweepInterval,
            };

    public static bool IsSqlite(string store) => string.Equals(store.Trim(), SqliteStore, StringComparison.OrdinalIgnoreCase);
}
