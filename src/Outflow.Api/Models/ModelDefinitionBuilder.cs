using System.Text.Json.Nodes;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Models;

namespace Outflow.Api.Models;

/// <summary>
/// Validates a model request against its source: the connection must be a source of the organization, the
/// configuration must run, and every field name the request uses must be among the discovered columns.
/// Nothing is stored here.
/// </summary>
internal sealed class ModelDefinitionBuilder
{
    private readonly IConnectionStore _connections;
    private readonly ConnectorRegistry _registry;
    private readonly ConnectorEnvironment _environment;
    private readonly TimeProvider _timeProvider;

    public ModelDefinitionBuilder(
        IConnectionStore connections, ConnectorRegistry registry, ConnectorEnvironment environment, TimeProvider timeProvider)
    {
        _connections = connections;
        _registry = registry;
        _environment = environment;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Builds the model's definition: <see cref="CheckAsync"/>, then <see cref="BuildAsync(CheckedModelRequest, ModelRequest, Model?, CancellationToken)"/>.
    /// </summary>
    public async Task<ModelDefinition> BuildAsync(
        Guid organizationId, ModelRequest request, Model? existing, CancellationToken cancellationToken)
    {
        var checkedRequest = await CheckAsync(organizationId, request, cancellationToken);
        return await BuildAsync(checkedRequest, request, existing, cancellationToken);
    }

    /// <summary>
    /// Validates the parts of a model request that need no source access: the name, the configuration's shape, the
    /// additional fields, and that the connection is a source of the organization. An async request fails at once
    /// when this fails.
    /// </summary>
    public async Task<CheckedModelRequest> CheckAsync(Guid organizationId, ModelRequest request, CancellationToken cancellationToken)
    {
        var name = RequestValues.RequireName(request.Name);
        var connectionId = request.ConnectionId ?? throw ApiException.MissingField("connection_id");
        var configuration = request.Configuration ?? throw ApiException.MissingField("configuration");
        var source = ModelSource.Parse(configuration);

        // TODO: relations and enrichers join other models; the engine reads one model per sync so far.
        if (request.Relations is { Count: > 0 })
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption, "model relations are not supported yet: leave relations empty", "relations");
        }

        if (request.Enricher is not null)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.UnsupportedOption, "enrichers are not supported yet: leave enricher out", "enricher");
        }

        var additionalFields = ParseAdditionalFields(request);
        var connection = await _connections.GetAsync(organizationId, connectionId, cancellationToken)
            ?? throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionNotFound,
                $"connection {connectionId} was not found: use the id of one of your connections",
                "connection_id",
                connectionId);
        var factory = _registry.Find(connection.Type);
        if (factory is null || !factory.Info.IsSource)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.ConnectionNotSource,
                $"connection {connectionId} of type {connection.Type} cannot be a model source: use a source connection",
                "connection_id",
                connectionId);
        }

        return new CheckedModelRequest(name, connection, factory, configuration, source, additionalFields);
    }

    /// <summary>
    /// Builds the model's definition from a checked request, describing the source. On update,
    /// <paramref name="existing"/> keeps the ids of fields whose names survive, and the source is described again only
    /// when the connection or configuration changed or <c>refresh</c> is true.
    /// </summary>
    public async Task<ModelDefinition> BuildAsync(
        CheckedModelRequest checkedRequest, ModelRequest request, Model? existing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkedRequest);
        var (name, connection, factory, configuration, source, additionalFields) = checkedRequest;
        var describe = existing is null
            || request.Refresh == true
            || existing.ConnectionId != connection.Id
            || !JsonNode.DeepEquals(existing.Configuration, configuration);
        var columns = describe
            ? await DescribeAsync(factory, connection, source, cancellationToken)
            : existing!.Fields
                .Where(field => !field.UserAdded)
                .Select(field => new SourceColumn(field.Name, field.Type, field.RemoteType))
                .ToList();

        // Syncs map fields by name, so two result columns with one name would be ambiguous.
        var repeated = columns.GroupBy(column => column.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (repeated is not null)
        {
            var field = source.Query is not null ? "configuration.query" : "configuration.table";
            throw ApiException.Unprocessable(
                ApiErrorKeys.DuplicateModelField,
                $"the model returns more than one column named {repeated.Key}: give each column a distinct name (AS alias)",
                field,
                repeated.Key);
        }

        var fields = BuildFields(request, columns, additionalFields, existing, describe);
        var names = fields.Select(field => field.Name).ToHashSet(StringComparer.Ordinal);
        if (request.Identifier is not null && !names.Contains(request.Identifier))
        {
            throw UnknownField(request.Identifier, "identifier", describe);
        }

        var trackingColumns = request.TrackingColumns ?? [];
        for (var i = 0; i < trackingColumns.Count; i++)
        {
            if (!names.Contains(trackingColumns[i]))
            {
                throw UnknownField(trackingColumns[i], $"tracking_columns[{i}]", describe);
            }
        }

        return new ModelDefinition(name, connection, configuration, fields, request.Identifier, trackingColumns.Distinct().ToList());
    }

    private async Task<IReadOnlyList<SourceColumn>> DescribeAsync(
        IConnectorFactory factory, Connection connection, ModelSource source, CancellationToken cancellationToken)
    {
        var field = source.Query is not null ? "configuration.query" : "configuration.table";
        try
        {
            await using var connector = factory.CreateSource(connection.Configuration, _environment);
            return await connector.DescribeAsync(source, cancellationToken);
        }
        catch (ConnectorException exception)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.ModelQueryFailed,
                $"{exception.Message} (connection {connection.Id}): fix {field} and try again",
                field,
                source.Query ?? source.Table);
        }
    }

    private List<ModelField> BuildFields(
        ModelRequest request,
        IReadOnlyList<SourceColumn> columns,
        IReadOnlyList<AdditionalField> additional,
        Model? existing,
        bool described)
    {
        var now = _timeProvider.GetUtcNow();
        var previous = existing?.Fields.ToDictionary(field => field.Name, StringComparer.Ordinal)
            ?? new Dictionary<string, ModelField>(StringComparer.Ordinal);
        var kept = columns;
        if (request.Fields is not null)
        {
            var available = columns.Select(column => column.Name).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < request.Fields.Count; i++)
            {
                if (request.Fields[i] is null || !available.Contains(request.Fields[i]))
                {
                    throw UnknownField(request.Fields[i], $"fields[{i}]", described);
                }
            }

            var wanted = request.Fields.ToHashSet(StringComparer.Ordinal);
            kept = columns.Where(column => wanted.Contains(column.Name)).ToList();
        }

        var fields = new List<ModelField>();
        foreach (var column in kept)
        {
            previous.TryGetValue(column.Name, out var old);
            fields.Add(new ModelField(
                old?.Id ?? Guid.NewGuid(), column.Name, old?.Label ?? column.Name, column.Type, column.RemoteType, false, old?.CreatedAt ?? now));
        }

        foreach (var item in additional)
        {
            if (fields.Any(field => string.Equals(field.Name, item.Name, StringComparison.Ordinal)))
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.DuplicateModelField,
                    $"model field {item.Name} already exists: give the additional field another name",
                    $"{item.Path}.name",
                    item.Name);
            }

            previous.TryGetValue(item.Name, out var old);
            fields.Add(new ModelField(
                old?.Id ?? Guid.NewGuid(), item.Name, item.Label, item.Type, item.TypeName, true, old?.CreatedAt ?? now));
        }

        return fields;
    }

    private static List<AdditionalField> ParseAdditionalFields(ModelRequest request)
    {
        var additional = request.AdditionalFields ?? [];
        var parsed = new List<AdditionalField>();
        for (var i = 0; i < additional.Count; i++)
        {
            var item = additional[i] ?? throw ApiException.MissingField($"additional_fields[{i}]");
            var path = $"additional_fields[{i}]";
            var fieldName = string.IsNullOrWhiteSpace(item.Name) ? throw ApiException.MissingField($"{path}.name") : item.Name;
            var typeName = string.IsNullOrWhiteSpace(item.Type) ? throw ApiException.MissingField($"{path}.type") : item.Type;
            if (!Enum.TryParse<FieldType>(typeName, ignoreCase: true, out var type)
                || !string.Equals(type.ToString().ToLowerInvariant(), typeName, StringComparison.Ordinal))
            {
                throw ApiException.BadRequest(
                    ApiErrorKeys.InvalidField,
                    $"{path}.type {typeName} is not a field type: use one of "
                    + string.Join(", ", Enum.GetNames<FieldType>().Select(n => n.ToLowerInvariant())),
                    $"{path}.type",
                    typeName);
            }

            parsed.Add(new AdditionalField(path, fieldName, item.Label ?? fieldName, type, typeName));
        }

        return parsed;
    }

    private static ApiException UnknownField(string? name, string path, bool described)
    {
        var hint = described ? "use one of the model's columns" : "use one of the model's columns, or send refresh=true to read them again";
        return ApiException.Unprocessable(
            ApiErrorKeys.UnknownModelField, $"model field {name} does not exist: {hint}", path, name);
    }
}
