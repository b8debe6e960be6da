using Outflow.Api.Errors;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Models;
using Outflow.Core.Syncs;

namespace Outflow.Api.Syncs;

/// <summary>
/// Plans the table that a sync request with <c>target.new_name</c> requests: its name, creation properties and
/// columns, checked against the connection without creating anything. The columns are the mapped target fields and
/// the identity's target field; each takes the type of the model field mapped to it, and constants are text.
/// </summary>
internal sealed class NewTargetPlanner(IModelStore models, Guid organizationId, ConnectorEnvironment environment)
{
    /// <summary>A table that Outflow shapes for the sync offers every mode, as it gets a key and the snapshot columns as needed.</summary>
    private static readonly SyncMode[] AllModes = Enum.GetValues<SyncMode>();

    private readonly Dictionary<Guid, Model?> _models = [];

    /// <exception cref="ApiException">422 when the type cannot create tables, or a name, property or type is invalid.</exception>
    public async Task<NewTargetPlan> PlanAsync(
        Connection connection, IConnectorFactory factory, SyncConfiguration configuration, SyncMode mode, CancellationToken cancellationToken)
    {
        var target = configuration.Target!;
        var name = target.NewName!;
        var creation = factory.Info.TargetCreation
            ?? throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption,
                $"connection {connection.Id} of type {connection.Type} cannot create target objects: remove target.new_name "
                + "and set target.object to an object that Get Target Objects lists",
                "target.new_name",
                name);

        try
        {
            await using var connector = factory.CreateTarget(connection.Configuration, environment);
            CheckName(connector, name, isTable: true, "target.new_name");
            var properties = await CheckPropertiesAsync(connector, connection, creation, target.Create, cancellationToken);
            var objectId = connector.ToNewObjectId(name, properties);
            if (await connector.DescribeObjectAsync(objectId, cancellationToken) is not null)
            {
                throw NewTargetPlan.Exists(name, objectId);
            }

            var (columns, primaryKey) = await PlanColumnsAsync(connector, configuration, mode, cancellationToken);
            var table = new NewTargetObject(name, properties, columns, primaryKey);
            return new NewTargetPlan
            {
                Factory = factory,
                ConnectionConfiguration = connection.Configuration,
                Environment = environment,
                Table = table,
                ObjectId = objectId,
                Preview = new TargetObjectInfo(
                    objectId,
                    objectId,
                    columns.Select(c => new TargetFieldInfo(
                        c.Name, c.Name, c.Type, c.RemoteType ?? "", Required: false, string.Equals(c.Name, primaryKey, StringComparison.Ordinal))).ToList(),
                    AllModes),
            };
        }
        catch (ConnectorException exception)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionFailed,
                $"reading connection {connection.Id} failed: {exception.Message.TrimEnd('.')}. Check that the system is reachable, then try again",
                "target.connection_id",
                connection.Id);
        }
    }

    private static void CheckName(ITargetConnector connector, string name, bool isTable, string path)
    {
        var problem = string.IsNullOrWhiteSpace(name) ? "it is blank" : connector.CheckNewName(name, isTable);
        if (problem is not null)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidTargetName,
                $"{path} {name} cannot name a new {(isTable ? "table" : "column")} because {problem}: choose another name",
                path,
                name);
        }
    }

    /// <summary>Checks every key against the type's creation properties and every enum value against the values the connector lists.</summary>
    private static async Task<Dictionary<string, string>> CheckPropertiesAsync(
        ITargetConnector connector,
        Connection connection,
        IReadOnlyList<TargetCreationProperty> creation,
        Dictionary<string, string>? requested,
        CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in requested ?? [])
        {
            var path = $"target.create.{key}";
            var property = creation.FirstOrDefault(p => string.Equals(p.Id, key, StringComparison.Ordinal))
                ?? throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidCreationProperty,
                    $"{key} is not a creation property of connection type {connection.Type}: "
                    + (creation.Count == 0 ? "this type takes none, so remove target.create" : "use " + string.Join(", ", creation.Select(p => p.Id))),
                    path,
                    value);
            if (property.IsEnum)
            {
                await RequireListedAsync(connector, connection, key, value, $"{path} {value}", cancellationToken);
            }
            else if (string.IsNullOrWhiteSpace(value))
            {
                throw ApiException.Unprocessable(ApiErrorKeys.InvalidCreationProperty, $"{path} is blank: set a value", path, value);
            }

            properties[key] = value;
        }

        // A default is checked like a sent value, so a login that may not use it gets the same error up front.
        foreach (var property in creation.Where(p => p.IsEnum && !properties.ContainsKey(p.Id)))
        {
            if (connector.GetCreationDefault(property) is { } value)
            {
                await RequireListedAsync(
                    connector, connection, property.Id, value, $"target.create.{property.Id} is not set and its default {value}", cancellationToken);
                properties[property.Id] = value;
            }
        }

        return properties;
    }

    /// <exception cref="ApiException">The connector does not list <paramref name="value"/> for the property.</exception>
    private static async Task RequireListedAsync(
        ITargetConnector connector, Connection connection, string id, string value, string described, CancellationToken cancellationToken)
    {
        var values = await connector.ListCreationValuesAsync(id, cancellationToken);
        if (!values.Contains(value, StringComparer.Ordinal))
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidCreationProperty,
                $"{described} is not a value connection {connection.Id} accepts: set target.create.{id} to one of "
                + (values.Count == 0 ? "none, because the login may create objects nowhere" : string.Join(", ", values)),
                $"target.create.{id}",
                value);
        }
    }

    /// <summary>
    /// Lists the columns: the identity's target field first when the mode matches records, then the targets of
    /// <c>fields</c> and <c>override_fields</c> in order, then the snapshot columns in snapshot mode. Entries that the
    /// mapping checks reject later (no target, a repeated target) add no column.
    /// </summary>
    private async Task<(List<NewTargetColumn> Columns, string? PrimaryKey)> PlanColumnsAsync(
        ITargetConnector connector, SyncConfiguration configuration, SyncMode mode, CancellationToken cancellationToken)
    {
        var columns = new List<NewTargetColumn>();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task AddAsync(string? name, SourceField? source, bool isConstant, string path, string? remoteType)
        {
            if (string.IsNullOrWhiteSpace(name) || columns.Any(c => string.Equals(c.Name, name, StringComparison.Ordinal)))
            {
                return;
            }

            CheckName(connector, name, isTable: false, path);
            if (columns.FirstOrDefault(c => connector.NewColumnNameComparer.Equals(c.Name, name)) is { } same)
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidTargetName,
                    $"{path} {name} and {paths[same.Name]} {same.Name} would name the same column, because the target database " +
                    "compares column names without case: rename one of them",
                    path,
                    name);
            }

            paths[name] = path;
            var field = isConstant ? null : await FindModelFieldAsync(source, cancellationToken);
            columns.Add(new NewTargetColumn(name, isConstant ? FieldType.String : field?.Type ?? FieldType.Unknown, field?.RemoteType, remoteType));
        }

        string? primaryKey = null;
        if (mode.RequiresIdentity() && configuration.Identity is { Target: { Length: > 0 } identityTarget } identity)
        {
            // The identity's model field is written to its target field, so a mapping of that target field is the same column.
            var remoteType = await CheckRemoteTypeAsync(connector, identity.RemoteFieldTypeId, cancellationToken);
            await AddAsync(identityTarget, identity.Source, isConstant: false, "identity.target", remoteType);
            primaryKey = identityTarget;
        }

        var fields = configuration.Fields ?? [];
        for (var i = 0; i < fields.Count; i++)
        {
            await AddAsync(fields[i]?.Target, fields[i]?.Source, fields[i]?.OverrideValue is not null, $"fields[{i}].target", null);
        }

        var overrideFields = configuration.OverrideFields ?? [];
        for (var i = 0; i < overrideFields.Count; i++)
        {
            await AddAsync(
                overrideFields[i]?.Target, overrideFields[i]?.Source, overrideFields[i]?.OverrideValue is not null, $"override_fields[{i}].target", null);
        }

        if (mode == SyncMode.Snapshot)
        {
            columns.Add(new NewTargetColumn(SnapshotColumns.ExecutionId, FieldType.String));
            columns.Add(new NewTargetColumn(SnapshotColumns.SnapshotAt, FieldType.Datetime));
        }

        return (columns, primaryKey);
    }

    private static async Task<string?> CheckRemoteTypeAsync(ITargetConnector connector, string? typeName, CancellationToken cancellationToken)
    {
        if (typeName is null)
        {
            return null;
        }

        var problem = string.IsNullOrWhiteSpace(typeName) ? "it is blank" : await connector.CheckColumnTypeAsync(typeName, cancellationToken);
        return problem is null
            ? typeName
            : throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidFieldType,
                $"identity.remote_field_type_id {typeName} cannot be the type of the new identity column because {problem}",
                "identity.remote_field_type_id",
                typeName);
    }

    /// <summary>Returns the model field a mapping reads, or null when the model or field does not exist; the mapping checks report those.</summary>
    private async Task<ModelField?> FindModelFieldAsync(SourceField? source, CancellationToken cancellationToken)
    {
        if (source is null || source.ModelId == Guid.Empty)
        {
            return null;
        }

        if (!_models.TryGetValue(source.ModelId, out var model))
        {
            model = await models.GetAsync(organizationId, source.ModelId, cancellationToken);
            _models[source.ModelId] = model;
        }

        return model?.Fields.FirstOrDefault(f => string.Equals(f.Name, source.Field, StringComparison.Ordinal));
    }
}
