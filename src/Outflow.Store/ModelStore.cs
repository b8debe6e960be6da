using Dapper;
using Outflow.Core;
using Outflow.Core.Models;
using Outflow.Core.Organizations;
using Outflow.Store.Rows;

namespace Outflow.Store;

internal sealed class ModelStore : IModelStore
{
    private const string SelectColumns = """
        SELECT id AS Id, organization_id AS OrganizationId, connection_id AS ConnectionId,
               connection_type AS ConnectionType, name AS Name, configuration AS Configuration, fields AS Fields,
               identifier AS Identifier, tracking_columns AS TrackingColumns, version AS Version,
               created_at AS CreatedAt, updated_at AS UpdatedAt, created_by AS CreatedBy, updated_by AS UpdatedBy
        FROM models
        """;

    private readonly IStoreDatabase _database;

    public ModelStore(IStoreDatabase database)
    {
        _database = database;
    }

    public async Task<IReadOnlyList<Model>> ListAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ModelRow>(new CommandDefinition(
            SelectColumns + " WHERE organization_id = @OrganizationId ORDER BY updated_at DESC, id DESC",
            new { OrganizationId = StoreValues.ToText(organizationId) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(ToModel).ToList();
    }

    public async Task<Model?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ModelRow>(new CommandDefinition(
            SelectColumns + " WHERE organization_id = @OrganizationId AND id = @Id",
            new { OrganizationId = StoreValues.ToText(organizationId), Id = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : ToModel(row);
    }

    public async Task InsertAsync(Model model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO models
                (id, organization_id, connection_id, connection_type, name, configuration, fields, identifier,
                 tracking_columns, version, created_at, updated_at, created_by, updated_by)
            VALUES
                (@Id, @OrganizationId, @ConnectionId, @ConnectionType, @Name, @Configuration, @Fields, @Identifier,
                 @TrackingColumns, @Version, @CreatedAt, @UpdatedAt, @CreatedBy, @UpdatedBy)
            """,
            ToRow(model),
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Stores the model as given, including <see cref="Model.Version"/>, which the caller increments.</summary>
    public async Task UpdateAsync(Model model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE models
            SET connection_id = @ConnectionId, connection_type = @ConnectionType, name = @Name,
                configuration = @Configuration, fields = @Fields, identifier = @Identifier,
                tracking_columns = @TrackingColumns, version = @Version, updated_at = @UpdatedAt, updated_by = @UpdatedBy
            WHERE organization_id = @OrganizationId AND id = @Id
            """,
            ToRow(model),
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated == 0)
        {
            throw OutflowException.NotFound($"model {model.Id} not found. Another request may have deleted it.");
        }
    }

    public async Task<IReadOnlyList<Guid>> ListSyncIdsUsingAsync(
        Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT s.id FROM sync_models sm
            JOIN syncs s ON s.id = sm.sync_id
            WHERE sm.model_id = @ModelId AND s.organization_id = @OrganizationId
            ORDER BY s.created_at, s.id
            """,
            new { OrganizationId = StoreValues.ToText(organizationId), ModelId = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ids.Select(StoreValues.ToGuid).ToList();
    }

    public async Task DeleteAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM models WHERE organization_id = @OrganizationId AND id = @Id",
            new { OrganizationId = StoreValues.ToText(organizationId), Id = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static ModelRow ToRow(Model model) => new()
    {
        Id = StoreValues.ToText(model.Id),
        OrganizationId = StoreValues.ToText(model.OrganizationId),
        ConnectionId = StoreValues.ToText(model.ConnectionId),
        ConnectionType = model.ConnectionType,
        Name = model.Name,
        Configuration = model.Configuration.ToJsonString(),
        Fields = StoreJson.Serialize(model.Fields),
        Identifier = model.Identifier,
        TrackingColumns = StoreJson.Serialize(model.TrackingColumns),
        Version = model.Version,
        CreatedAt = StoreValues.ToUnixMilliseconds(model.CreatedAt),
        UpdatedAt = StoreValues.ToUnixMilliseconds(model.UpdatedAt),
        CreatedBy = StoreJson.Serialize(model.CreatedBy),
        UpdatedBy = StoreJson.Serialize(model.UpdatedBy),
    };

    private static Model ToModel(ModelRow row) => new()
    {
        Id = StoreValues.ToGuid(row.Id),
        OrganizationId = StoreValues.ToGuid(row.OrganizationId),
        ConnectionId = StoreValues.ToGuid(row.ConnectionId),
        ConnectionType = row.ConnectionType,
        Name = row.Name,
        Configuration = StoreJson.ParseObject(row.Configuration, "models.configuration"),
        Fields = StoreJson.Deserialize<List<ModelField>>(row.Fields, "models.fields"),
        Identifier = row.Identifier,
        TrackingColumns = StoreJson.Deserialize<List<string>>(row.TrackingColumns, "models.tracking_columns"),
        Version = checked((int)row.Version),
        CreatedAt = StoreValues.ToInstant(row.CreatedAt),
        UpdatedAt = StoreValues.ToInstant(row.UpdatedAt),
        CreatedBy = StoreJson.Deserialize<Actor>(row.CreatedBy, "models.created_by"),
        UpdatedBy = StoreJson.Deserialize<Actor>(row.UpdatedBy, "models.updated_by"),
    };
}
