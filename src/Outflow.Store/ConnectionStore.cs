using System.Data.Common;
using Dapper;
using Outflow.Core;
using Outflow.Core.Connections;
using Outflow.Core.Organizations;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>Connections with their whole configuration encrypted at rest, bound to the row id.</summary>
internal sealed class ConnectionStore : IConnectionStore
{
    internal const string ConfigurationColumn = "connections.configuration";

    private const string SelectColumns = """
        SELECT id AS Id, organization_id AS OrganizationId, name AS Name, type AS Type,
               configuration AS Configuration, status AS Status, status_error AS StatusError,
               created_at AS CreatedAt, updated_at AS UpdatedAt, created_by AS CreatedBy, updated_by AS UpdatedBy
        FROM connections
        """;

    private readonly IStoreDatabase _database;
    private readonly SecretProtector _protector;

    public ConnectionStore(IStoreDatabase database, SecretProtector protector)
    {
        _database = database;
        _protector = protector;
    }

    public async Task<IReadOnlyList<Connection>> ListAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ConnectionRow>(new CommandDefinition(
            SelectColumns + " WHERE organization_id = @OrganizationId ORDER BY created_at, id",
            new { OrganizationId = StoreValues.ToText(organizationId) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(ToConnection).ToList();
    }

    public async Task<Connection?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ConnectionRow>(new CommandDefinition(
            SelectColumns + " WHERE organization_id = @OrganizationId AND id = @Id",
            new { OrganizationId = StoreValues.ToText(organizationId), Id = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : ToConnection(row);
    }

    public async Task InsertAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var db = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        await db.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO connections
                (id, organization_id, name, type, configuration, status, status_error,
                 created_at, updated_at, created_by, updated_by)
            VALUES
                (@Id, @OrganizationId, @Name, @Type, @Configuration, @Status, @StatusError,
                 @CreatedAt, @UpdatedAt, @CreatedBy, @UpdatedBy)
            """,
            ToRow(connection),
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task UpdateAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var db = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        var updated = await db.ExecuteAsync(new CommandDefinition(
            """
            UPDATE connections
            SET name = @Name, configuration = @Configuration, status = @Status, status_error = @StatusError,
                updated_at = @UpdatedAt, updated_by = @UpdatedBy
            WHERE organization_id = @OrganizationId AND id = @Id
            """,
            ToRow(connection),
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated == 0)
        {
            throw OutflowException.NotFound($"connection {connection.Id} not found. Another request may have deleted it.");
        }
    }

    public async Task<ConnectionUsage> GetUsageAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadUsageAsync(connection, null, organizationId, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var usage = await ReadUsageAsync(connection, transaction, organizationId, id, cancellationToken).ConfigureAwait(false);
        foreach (var syncId in usage.SyncIds)
        {
            await SyncRows.DeleteAsync(_database, connection, transaction, syncId, cancellationToken).ConfigureAwait(false);
        }

        var organization = StoreValues.ToText(organizationId);
        var connectionId = StoreValues.ToText(id);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM models WHERE organization_id = @OrganizationId AND connection_id = @ConnectionId",
            new { OrganizationId = organization, ConnectionId = connectionId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM connections WHERE organization_id = @OrganizationId AND id = @ConnectionId",
            new { OrganizationId = organization, ConnectionId = connectionId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ConnectionUsage> ReadUsageAsync(
        DbConnection connection, DbTransaction? transaction, Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        var parameters = new { OrganizationId = StoreValues.ToText(organizationId), ConnectionId = StoreValues.ToText(id) };
        var models = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT id FROM models
            WHERE organization_id = @OrganizationId AND connection_id = @ConnectionId
            ORDER BY created_at, id
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var syncs = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT s.id FROM syncs s
            WHERE s.organization_id = @OrganizationId
              AND (s.target_connection_id = @ConnectionId
                   OR s.id IN (SELECT sm.sync_id FROM sync_models sm
                               JOIN models m ON m.id = sm.model_id
                               WHERE m.organization_id = @OrganizationId AND m.connection_id = @ConnectionId))
            ORDER BY s.created_at, s.id
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ConnectionUsage(
            models.Select(StoreValues.ToGuid).ToList(),
            syncs.Select(StoreValues.ToGuid).ToList());
    }

    private ConnectionRow ToRow(Connection connection) => new()
    {
        Id = StoreValues.ToText(connection.Id),
        OrganizationId = StoreValues.ToText(connection.OrganizationId),
        Name = connection.Name,
        Type = connection.Type,
        Configuration = _protector.Encrypt(connection.Configuration.ToJsonString(), ConfigurationColumn, connection.Id),
        Status = connection.Status,
        StatusError = connection.StatusError,
        CreatedAt = StoreValues.ToUnixMilliseconds(connection.CreatedAt),
        UpdatedAt = StoreValues.ToUnixMilliseconds(connection.UpdatedAt),
        CreatedBy = StoreJson.Serialize(connection.CreatedBy),
        UpdatedBy = StoreJson.Serialize(connection.UpdatedBy),
    };

    private Connection ToConnection(ConnectionRow row)
    {
        var id = StoreValues.ToGuid(row.Id);
        var configuration = _protector.Decrypt(row.Configuration, ConfigurationColumn, id);
        return new Connection
        {
            Id = id,
            OrganizationId = StoreValues.ToGuid(row.OrganizationId),
            Name = row.Name,
            Type = row.Type,
            Configuration = StoreJson.ParseObject(configuration, ConfigurationColumn),
            Status = row.Status,
            StatusError = row.StatusError,
            CreatedAt = StoreValues.ToInstant(row.CreatedAt),
            UpdatedAt = StoreValues.ToInstant(row.UpdatedAt),
            CreatedBy = StoreJson.Deserialize<Actor>(row.CreatedBy, "connections.created_by"),
            UpdatedBy = StoreJson.Deserialize<Actor>(row.UpdatedBy, "connections.updated_by"),
        };
    }
}
