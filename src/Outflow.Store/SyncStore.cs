using System.Data.Common;
using System.Text;
using Dapper;
using Outflow.Core;
using Outflow.Core.Organizations;
using Outflow.Core.Syncs;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>
/// Syncs, with <c>active</c>, <c>mode</c> and the target connection copied out of the configuration for
/// filtering, and a <c>sync_models</c> link per referenced model for usage queries.
/// </summary>
internal sealed class SyncStore : ISyncStore
{
    private const string ConfigurationColumn = "syncs.configuration";
    private const string PassphraseColumn = "syncs.encryption_passphrase";

    private const string SelectColumns = """
        SELECT id AS Id, organization_id AS OrganizationId, configuration AS Configuration,
               encryption_passphrase AS EncryptionPassphrase, active AS Active, mode AS Mode,
               target_connection_id AS TargetConnectionId, created_at AS CreatedAt, updated_at AS UpdatedAt,
               created_by AS CreatedBy, updated_by AS UpdatedBy
        FROM syncs
        """;

    private readonly IStoreDatabase _database;
    private readonly SecretProtector _protector;

    public SyncStore(IStoreDatabase database, SecretProtector protector)
    {
        _database = database;
        _protector = protector;
    }

    public async Task<IReadOnlyList<Sync>> ListAsync(
        Guid organizationId, SyncListFilter filter, ListCursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sql = new StringBuilder(SelectColumns).Append(" WHERE organization_id = @OrganizationId");
        var parameters = new DynamicParameters();
        parameters.Add("OrganizationId", StoreValues.ToText(organizationId));
        if (filter.Active is bool active)
        {
            sql.Append(" AND active = @Active");
            parameters.Add("Active", active ? 1L : 0L);
        }

        if (filter.Mode is SyncMode mode)
        {
            sql.Append(" AND mode = @Mode");
            parameters.Add("Mode", mode.ToWire());
        }

        if (filter.TargetConnectionId is Guid targetConnectionId)
        {
            sql.Append(" AND target_connection_id = @TargetConnectionId");
            parameters.Add("TargetConnectionId", StoreValues.ToText(targetConnectionId));
        }

        if (after is not null)
        {
            sql.Append(" AND (updated_at, id) < (@AfterSortKey, @AfterId)");
            parameters.Add("AfterSortKey", after.SortKey);
            parameters.Add("AfterId", StoreValues.ToText(after.Id));
        }

        sql.Append(" ORDER BY updated_at DESC, id DESC LIMIT @Limit");
        parameters.Add("Limit", limit);

        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SyncRow>(new CommandDefinition(
            sql.ToString(), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(ToSync).ToList();
    }

    public async Task<Sync?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<SyncRow>(new CommandDefinition(
            SelectColumns + " WHERE organization_id = @OrganizationId AND id = @Id",
            new { OrganizationId = StoreValues.ToText(organizationId), Id = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : ToSync(row);
    }

    public async Task<IReadOnlyList<Sync>> ListActiveAsync(CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SyncRow>(new CommandDefinition(
            SelectColumns + " WHERE active = @Active ORDER BY id",
            new { Active = 1L },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(ToSync).ToList();
    }

    public async Task InsertAsync(Sync sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var row = ToRow(sync);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO syncs
                (id, organization_id, configuration, encryption_passphrase, active, mode, target_connection_id,
                 created_at, updated_at, created_by, updated_by)
            VALUES
                (@Id, @OrganizationId, @Configuration, @EncryptionPassphrase, @Active, @Mode, @TargetConnectionId,
                 @CreatedAt, @UpdatedAt, @CreatedBy, @UpdatedBy)
            """,
            row,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await WriteModelLinksAsync(connection, transaction, sync, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdateAsync(Sync sync, bool clearState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var row = ToRow(sync);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE syncs
            SET configuration = @Configuration, encryption_passphrase = @EncryptionPassphrase, active = @Active,
                mode = @Mode, target_connection_id = @TargetConnectionId, updated_at = @UpdatedAt,
                updated_by = @UpdatedBy
            WHERE organization_id = @OrganizationId AND id = @Id
            """,
            row,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated == 0)
        {
            throw OutflowException.NotFound($"sync {sync.Id} not found. Another request may have deleted it.");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM sync_models WHERE sync_id = @Id",
            new { row.Id },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await WriteModelLinksAsync(connection, transaction, sync, cancellationToken).ConfigureAwait(false);
        if (clearState)
        {
            foreach (var table in (string[])["sync_state", "sync_state_in_flight", "sync_state_in_flight_batches"])
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"DELETE FROM {table} WHERE sync_id = @Id",
                    new { row.Id },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM syncs WHERE organization_id = @OrganizationId AND id = @Id",
            new { OrganizationId = StoreValues.ToText(organizationId), Id = StoreValues.ToText(id) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (exists == 0)
        {
            return;
        }

        await SyncRows.DeleteAsync(_database, connection, transaction, id, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteModelLinksAsync(
        DbConnection connection, DbTransaction transaction, Sync sync, CancellationToken cancellationToken)
    {
        var syncId = StoreValues.ToText(sync.Id);
        foreach (var modelId in sync.Configuration.ReferencedModelIds())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO sync_models (sync_id, model_id) VALUES (@SyncId, @ModelId)",
                new { SyncId = syncId, ModelId = StoreValues.ToText(modelId) },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private SyncRow ToRow(Sync sync)
    {
        var configuration = StoredSyncConfiguration.Protect(sync.Configuration, _protector, PassphraseColumn, sync.Id);
        var target = sync.Configuration.Target;
        return new SyncRow
        {
            Id = StoreValues.ToText(sync.Id),
            OrganizationId = StoreValues.ToText(sync.OrganizationId),
            Configuration = configuration.Json,
            EncryptionPassphrase = configuration.EncryptedPassphrase,
            Active = sync.Active ? 1 : 0,
            Mode = sync.Configuration.Mode?.ToWire(),
            TargetConnectionId = target is null ? null : StoreValues.ToText(target.ConnectionId),
            CreatedAt = StoreValues.ToUnixMilliseconds(sync.CreatedAt),
            UpdatedAt = StoreValues.ToUnixMilliseconds(sync.UpdatedAt),
            CreatedBy = StoreJson.Serialize(sync.CreatedBy),
            UpdatedBy = StoreJson.Serialize(sync.UpdatedBy),
        };
    }

    private Sync ToSync(SyncRow row)
    {
        var id = StoreValues.ToGuid(row.Id);
        return new Sync
        {
            Id = id,
            OrganizationId = StoreValues.ToGuid(row.OrganizationId),
            Configuration = StoredSyncConfiguration.Unprotect(
                row.Configuration, row.EncryptionPassphrase, _protector, ConfigurationColumn, PassphraseColumn, id),
            CreatedAt = StoreValues.ToInstant(row.CreatedAt),
            UpdatedAt = StoreValues.ToInstant(row.UpdatedAt),
            CreatedBy = StoreJson.Deserialize<Actor>(row.CreatedBy, "syncs.created_by"),
            UpdatedBy = StoreJson.Deserialize<Actor>(row.UpdatedBy, "syncs.updated_by"),
        };
    }
}
