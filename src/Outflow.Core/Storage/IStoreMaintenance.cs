namespace Outflow.Core.Storage;

/// <summary>Schema migrations and health of the metadata store.</summary>
public interface IStoreMaintenance
{
    /// <summary>Creates or upgrades the schema to the current version; safe to run on every start.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Checks that this process's master key decrypts the secrets in the store, by decrypting the newest stored
    /// connection. Does nothing while the store has no connection.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another master key encrypted the store's secrets.</exception>
    Task CheckMasterKeyAsync(CancellationToken cancellationToken);

    /// <summary>Returns true when the store responds to a trivial query.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>A description for startup logs that contains no secret, e.g. the database file's path.</summary>
    string Describe();
}
