using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Discovery;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;

namespace Outflow.Api.Endpoints;

/// <summary>
/// What a connection offers for building models and syncs: its source configuration and fields, its target objects
/// and their fields. A connection whose type cannot play a route's role gets 404, like a missing one.
/// </summary>
internal static class DiscoveryEndpoints
{
    private const string ParamsDescription =
        "The chosen source configuration as the JSON text of a map from key to values, such as {\"table\":[\"people\"]}. "
        + "Each key may instead be sent as its own query parameter, such as table=people. Keys: query, table, and schema, "
        + "which narrows the tables that Get Sync Source lists.";

    /// <summary>The <c>items</c> key under which the deprecated Get Target lists object ids.</summary>
    private const string TargetItemKey = "target";

    public static void MapDiscoveryEndpoints(this RouteGroupBuilder api)
    {
        var discovery = api.MapGroup("/connections/{id}/modelsync").WithTags("Discovery");
        discovery.MapGet("/source", GetSourceAsync)
            .WithName("GetSyncSource")
            .WithSummary("Describes the model configuration a source connection accepts: a query, or one of the listed tables.")
            .WithQueryParameter(SourceParams.ParameterName, QueryParameterType.String, ParamsDescription)
            .ProducesData<SourceMetaResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        discovery.MapGet("/source/fields", GetSourceFieldsAsync)
            .WithName("GetSourceFields")
            .WithSummary("Lists the fields a model with the given source configuration would have, without saving anything.")
            .WithQueryParameter(SourceParams.ParameterName, QueryParameterType.String, ParamsDescription + " One of query or table is required.")
            .ProducesData<List<SourceFieldResponse>>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        discovery.MapGet("/targetobjects", GetTargetObjectsAsync)
            .WithName("GetTargetObjects")
            .WithSummary("Lists the objects of a target connection with the sync modes each supports, and whether and with which properties it can create new objects.")
            .Produces<TargetObjectsEnvelope>(StatusCodes.Status200OK, "application/json")
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        discovery.MapGet("/target", GetTargetAsync)
            .WithName("GetTarget")
            .WithSummary("Lists a target connection's object ids under items.target; deprecated, kept for older clients.")
            .WithQueryParameter("type", QueryParameterType.String, "Keeps only the objects of this schema, such as public on PostgreSQL.")
            .WithQueryParameter("search", QueryParameterType.String, "Keeps only the objects whose name contains this text, compared without case.")
            .ProducesData<SourceMetaResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        discovery.MapGet("/target/fields", GetTargetFieldsAsync)
            .WithName("GetTargetFields")
            .WithSummary("Describes one target object: its fields, identity functions, sync modes and capabilities.")
            .WithQueryParameter("target", QueryParameterType.String, "Required. The target object id, such as public.contacts on PostgreSQL or contacts on SQLite.")
            .WithQueryParameter("refresh", QueryParameterType.Boolean, "Accepted for compatibility; the target's schema is read on every request.")
            .ProducesData<TargetResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        discovery.MapGet("/targetobjects/properties/{property}", GetTargetPropertyValuesAsync)
            .WithName("GetTargetPropertyValues")
            .WithSummary("Lists the legal values of an enum property for creating a target object, such as the schemas a PostgreSQL login may create tables in; 404 for an unknown property or a connection that cannot create objects.")
            .ProducesData<TargetPropertyValuesResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> GetSourceAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        var (connection, factory) = await FindAsync(id, context, connections, registry, asSource: true, cancellationToken);
        var selection = SourceSelection.From(SourceParams.Read(context.Request));
        var tables = await CallAsync(
            () => factory.CreateSource(connection.Configuration, environment),
            connector => connector.ListTablesAsync(cancellationToken),
            exception => ConnectionFailed(connection, exception));

        var schemas = tables.Select(table => table.Schema).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (selection.Schema is not null && !schemas.Contains(selection.Schema, StringComparer.Ordinal))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter,
                schemas.Count == 0
                    ? $"connection {connection.Id} of type {connection.Type} has no schemas: leave out params.{SourceSelection.SchemaKey}"
                    : $"schema {selection.Schema} has no table that connection {connection.Id} can read: use one of "
                        + $"the schemas that items.{SourceSelection.SchemaKey} lists",
                $"{SourceParams.ParameterName}.{SourceSelection.SchemaKey}",
                selection.Schema);
        }

        var tableIds = tables
            .Where(table => selection.Schema is null || string.Equals(table.Schema, selection.Schema, StringComparison.Ordinal))
            .Select(table => table.Id)
            .ToList();
        var query = SourceSelection.QueryKey;
        var tableKey = SourceSelection.TableKey;
        return ApiResults.Data(new SourceMetaResponse(
            new Dictionary<string, ConfigurationValueResponse>(StringComparer.Ordinal)
            {
                [query] = new("string", []),
                [tableKey] = new("string", []),
            },
            new Dictionary<string, SourceMetaItemResponse>(StringComparer.Ordinal)
            {
                [query] = new(false, [], []),
                [SourceSelection.SchemaKey] = new(schemas.Count > 0, schemas, []),
                [tableKey] = new(tableIds.Count > 0, tableIds, []),
            },
            [query, tableKey]));
    }

    private static async Task<IResult> GetSourceFieldsAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        var (connection, factory) = await FindAsync(id, context, connections, registry, asSource: true, cancellationToken);
        var selection = SourceSelection.From(SourceParams.Read(context.Request));
        var source = selection.RequireSource();
        var columns = await CallAsync(
            () => factory.CreateSource(connection.Configuration, environment),
            connector => connector.DescribeAsync(source, cancellationToken),
            exception => ApiException.Unprocessable(
                ApiErrorKeys.ModelQueryFailed,
                $"{exception.Message.TrimEnd('.')} (connection {connection.Id}): fix {selection.Field} and try again",
                selection.Field,
                source.Query ?? source.Table));

        var fields = columns
            .Select(column => new SourceFieldResponse(column.Name, column.Name, column.Type.ToString().ToLowerInvariant(), column.RemoteType, false))
            .ToList();
        return ApiResults.Data(fields);
    }

    private static async Task<IResult> GetTargetObjectsAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        var (connection, objects) = await ListTargetObjectsAsync(id, context, connections, registry, environment, cancellationToken);
        var creation = registry.Find(connection.Type)?.Info.TargetCreation;
        var envelope = new TargetObjectsEnvelope(
            objects.Select(TargetDescriptions.ToObject).ToList(),
            new TargetCreatorResponse(
                creation is not null,
                creation?.Select(property => new TargetCreateInputResponse(property.Id, property.Title, property.IsEnum)).ToList() ?? []));
        return Results.Json(envelope, ApiJson.Options);
    }

    private static async Task<IResult> GetTargetAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        var type = RequestValues.ReadString(context.Request, "type");
        var search = RequestValues.ReadString(context.Request, "search");
        var (_, objects) = await ListTargetObjectsAsync(id, context, connections, registry, environment, cancellationToken);

        var targets = objects
            .Where(info => type is null || info.Id.StartsWith(type + ".", StringComparison.Ordinal))
            .Where(info => search is null || info.Name.Contains(search, StringComparison.OrdinalIgnoreCase))
            .Select(info => info.Id)
            .ToList();
        return ApiResults.Data(new SourceMetaResponse(
            new Dictionary<string, ConfigurationValueResponse>(StringComparer.Ordinal),
            new Dictionary<string, SourceMetaItemResponse>(StringComparer.Ordinal)
            {
                [TargetItemKey] = new(targets.Count > 0, targets, []),
            },
            []));
    }

    private static async Task<IResult> GetTargetFieldsAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var (connection, factory) = await FindAsync(id, context, connections, registry, asSource: false, cancellationToken);
        var target = RequestValues.ReadString(context.Request, "target")
            ?? throw ApiException.BadRequest(
                ApiErrorKeys.MissingField,
                "query parameter target is required: send the id of one of the objects that Get Target Objects lists",
                "target");

        // Validated for its type only: the schema is read on every request, so there is no cache to refresh.
        RequestValues.ReadBoolean(context.Request, "refresh");

        var info = await CallAsync(
            () => factory.CreateTarget(connection.Configuration, environment),
            connector => connector.DescribeObjectAsync(target, cancellationToken),
            exception => exception is InvalidTargetObjectException
                ? new ApiException(StatusCodes.Status404NotFound, ApiErrorKeys.NotFound, exception.Message, "target", target)
                : ConnectionFailed(connection, exception));

        if (info is null)
        {
            throw new ApiException(
                StatusCodes.Status404NotFound,
                ApiErrorKeys.NotFound,
                $"target object {target} was not found on connection {connection.Id}: use the id of one of the objects that Get Target Objects lists",
                "target",
                target);
        }

        return ApiResults.Data(TargetDescriptions.ToTarget(info, timeProvider.GetUtcNow(), factory.Info.TargetCreation is not null));
    }

    private static async Task<IResult> GetTargetPropertyValuesAsync(
        string id,
        string property,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        var (connection, factory) = await FindAsync(id, context, connections, registry, asSource: false, cancellationToken);
        var creation = factory.Info.TargetCreation;
        if (creation is null)
        {
            throw new ApiException(
                StatusCodes.Status404NotFound,
                ApiErrorKeys.NotFound,
                $"connection {connection.Id} of type {connection.Type} cannot create target objects, so it has no creation "
                + $"property {property}: sync to an object that Get Target Objects lists",
                "property",
                property);
        }

        var known = creation.FirstOrDefault(p => string.Equals(p.Id, property, StringComparison.Ordinal));
        if (known is not { IsEnum: true })
        {
            var enums = creation.Where(p => p.IsEnum).Select(p => p.Id).ToList();
            throw new ApiException(
                StatusCodes.Status404NotFound,
                ApiErrorKeys.NotFound,
                $"connection {connection.Id} of type {connection.Type} has no creation property {property} with listed values: "
                + (enums.Count == 0 ? "this type has none" : "use " + string.Join(", ", enums)),
                "property",
                property);
        }

        var values = await CallAsync(
            () => factory.CreateTarget(connection.Configuration, environment),
            connector => connector.ListCreationValuesAsync(known.Id, cancellationToken),
            exception => ConnectionFailed(connection, exception));
        return ApiResults.Data(new TargetPropertyValuesResponse(
            known.Id, known.Title, true, values.Select(value => new EnumValueResponse(value, value)).ToList()));
    }

    /// <summary>Finds the organization's connection and checks that its type can be a source, or a target.</summary>
    /// <exception cref="ApiException">404 when the id is malformed or unknown, or the type cannot play that role.</exception>
    private static async Task<(Connection Connection, IConnectorFactory Factory)> FindAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        bool asSource,
        CancellationToken cancellationToken)
    {
        var connectionId = RequestValues.ParseId(id, "connection");
        var principal = context.GetApiPrincipal();
        var connection = await connections.GetAsync(principal.Organization.Id, connectionId, cancellationToken)
            ?? throw ApiException.NotFound($"connection {connectionId} was not found", "id", connectionId);
        var factory = registry.Find(connection.Type);
        if (factory is null || !(asSource ? factory.Info.IsSource : factory.Info.IsTarget))
        {
            throw asSource
                ? new ApiException(
                    StatusCodes.Status404NotFound,
                    ApiErrorKeys.ConnectionNotSource,
                    $"connection {connection.Id} of type {connection.Type} cannot be a model source: use a source connection",
                    "id",
                    connection.Id)
                : new ApiException(
                    StatusCodes.Status404NotFound,
                    ApiErrorKeys.ConnectionNotDestination,
                    $"connection {connection.Id} of type {connection.Type} cannot be a sync target: use a destination connection",
                    "id",
                    connection.Id);
        }

        return (connection, factory);
    }

    private static async Task<(Connection Connection, IReadOnlyList<TargetObjectInfo> Objects)> ListTargetObjectsAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        var (connection, factory) = await FindAsync(id, context, connections, registry, asSource: false, cancellationToken);
        var objects = await CallAsync(
            () => factory.CreateTarget(connection.Configuration, environment),
            connector => connector.ListObjectsAsync(cancellationToken),
            exception => ConnectionFailed(connection, exception));
        return (connection, objects);
    }

    /// <summary>
    /// Opens a connector, makes one call on it and closes it; a <see cref="ConnectorException"/> from any of the three
    /// becomes the <see cref="ApiException"/> that <paramref name="failed"/> builds.
    /// </summary>
    private static async Task<TResult> CallAsync<TConnector, TResult>(
        Func<TConnector> open,
        Func<TConnector, Task<TResult>> call,
        Func<ConnectorException, ApiException> failed)
        where TConnector : IAsyncDisposable
    {
        try
        {
            await using var connector = open();
            return await call(connector);
        }
        catch (ConnectorException exception)
        {
            throw failed(exception);
        }
    }

    private static ApiException ConnectionFailed(Connection connection, ConnectorException exception) =>
        ApiException.Unprocessable(
            ApiErrorKeys.ConnectionFailed,
            $"reading connection {connection.Id} failed: {exception.Message.TrimEnd('.')}. Check that the system is "
            + "reachable and the connection's configuration is current, then try again",
            "id",
            connection.Id);
}
