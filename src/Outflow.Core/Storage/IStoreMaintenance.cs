namespace Outflow.Core.Storage;

/// <summary>Schema migrations and health of the metadata store.</summary>
public interface IStoreMaintenance
{
    /// <summary>Creates or upgrades the schema to the current version; safe to run on every start.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Returns true when the store responds to a trivial query.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>A description for startup logs that contains no secret, e.g. the database file's path.</summary>
    string Describe();
}
