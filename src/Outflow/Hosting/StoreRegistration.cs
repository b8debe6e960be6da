namespace Outflow.Hosting;

/// <summary>Registers the metadata store a server or a store command uses, with the clock and the master key it needs.</summary>
internal static class StoreRegistration
{
    /// <exception cref="InvalidOperationException">The settings name a store this version does not support.</exception>
    public static void AddStore(IServiceCollection services, ServerSettings settings)
    {
        EnsureSupported(settings);
        Directory.CreateDirectory(settings.ResolvedDataDirectory);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(MasterKeyLoader.Load(settings));
        services.AddSqliteStore(Path.Combine(settings.ResolvedDataDirectory, "outflow.db"));
    }

    /// <exception cref="InvalidOperationException">The settings name a store this version does not support.</exception>
    public static void EnsureSupported(ServerSettings settings)
    {
        if (!string.Equals(settings.Store, "sqlite", StringComparison.Ordinal))
        {
            // TODO: a PostgreSQL connection string here selects the distributed store.
            throw new InvalidOperationException(
                $"store \"{settings.Store}\" is not supported yet; use \"sqlite\" (the embedded store in the data directory)");
        }
    }
}
