using Dapper;
using Microsoft.Extensions.Logging;
using Outflow.Core.Storage;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>Applies the dialect's numbered schema scripts and checks that the store responds.</summary>
internal sealed class StoreMaintenance : IStoreMaintenance
{
    private readonly IStoreDatabase _database;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<StoreMaintenance> _logger;

    public StoreMaintenance(
        IStoreDatabase database, SecretProtector protector, TimeProvider timeProvider, ILogger<StoreMaintenance> logger)
    {
        _database = database;
        _protector = protector;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await _database.PrepareAsync(cancellationToken).ConfigureAwait(false);
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var migrationLock = await _database.LockMigrationsAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var releaseLock = migrationLock.ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            _database.MigrationsTableSql, cancellationToken: cancellationToken)).ConfigureAwait(false);

        var known = _database.Migrations[^1].Version;
        var current = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
        if (current > known)
        {
            throw new InvalidOperationException(
                $"The store {_database.Description} has schema version {current}, but this Outflow build knows versions "
                + $"up to {known}. Run the Outflow version that last migrated it, or a newer one.");
        }

        foreach (var migration in _database.Migrations)
        {
            await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
        }

        Log.SchemaCurrent(_logger, _database.Description, known);
    }

    public async Task CheckMasterKeyAsync(CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var newest = await connection.QuerySingleOrDefaultAsync<ConnectionRow>(new CommandDefinition(
            "SELECT id, configuration FROM connections ORDER BY created_at DESC, id LIMIT 1",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (newest is null)
        {
            return;
        }

        try
        {
            _protector.Decrypt(newest.Configuration, ConnectionStore.ConfigurationColumn, StoreValues.ToGuid(newest.Id));
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException(
                $"The master key of this process does not decrypt connection {newest.Id} in the store {_database.Description}. "
                + "Every process that shares a store needs the same OUTFLOW_MASTER_KEY: start this one with the key the "
                + "others use.",
                exception);
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var result = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return result == 1;
    }

    public string Describe() => _database.Description;

    private async Task ApplyAsync(
        System.Data.Common.DbConnection connection, StoreMigration migration, CancellationToken cancellationToken)
    {
        // Checking inside the write transaction makes two servers starting at once apply each script once.
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
            new { migration.Version },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (applied > 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            migration.Sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
            new
            {
                migration.Version,
                migration.Name,
                AppliedAt = StoreValues.ToUnixMilliseconds(_timeProvider.GetUtcNow()),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Log.MigrationApplied(_logger, migration.Version, migration.Name, _database.Description);
    }
}
