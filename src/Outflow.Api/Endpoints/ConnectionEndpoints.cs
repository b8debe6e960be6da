using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Outflow.Api.Authentication;
using Outflow.Api.Connections;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;

namespace Outflow.Api.Endpoints;

/// <summary>Connection types and connections: list, create, get, replace, delete and test.</summary>
internal static class ConnectionEndpoints
{
    /// <summary>The status of a connection saved with <c>validate: false</c>, which has not been tested.</summary>
    private const string UntestedStatus = "unknown";

    public static void MapConnectionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/connection_types", ListTypes)
            .WithName("ListConnectionTypes")
            .WithSummary("Lists the connection types this server supports, with their capabilities and configuration schema.")
            .WithTags("Connections")
            .ProducesData<List<ConnectionTypeResponse>>();
        api.MapGet("/connection_types/{id}", GetTypeSchema)
            .WithName("GetConnectionTypeSchema")
            .WithSummary("Returns the JSON Schema of one connection type's configuration, without an envelope.")
            .WithTags("Connections")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json")
            .ProducesErrors(StatusCodes.Status404NotFound);

        var connections = api.MapGroup("/connections").WithTags("Connections");
        connections.MapPost("/test", TestAsync)
            .WithName("TestConnection")
            .WithSummary("Connects with a configuration without saving it; with connection_id, the configuration is laid over that connection's.")
            .AcceptsJson<TestConnectionRequest>()
            .ProducesEmpty()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        connections.MapGet("", ListAsync)
            .WithName("ListConnections")
            .WithSummary("Lists the organization's connections with secrets masked.")
            .ProducesData<List<ConnectionResponse>>();
        connections.MapPost("", CreateAsync)
            .WithName("CreateConnection")
            .WithSummary("Creates a connection after validating its configuration and, unless validate is false, connecting to it.")
            .AcceptsJson<ConnectionRequest>()
            .ProducesData<ConnectionResponse>()
            .ProducesErrors(StatusCodes.Status422UnprocessableEntity);
        connections.MapGet("/{id}", GetAsync)
            .WithName("GetConnection")
            .WithSummary("Returns one connection with secrets masked.")
            .ProducesData<ConnectionResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        connections.MapPut("/{id}", UpdateAsync)
            .WithName("UpdateConnection")
            .WithSummary("Replaces a connection's name and configuration; a secret sent as ******** keeps its stored value.")
            .AcceptsJson<ConnectionRequest>()
            .ProducesData<ConnectionResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        connections.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteConnection")
            .WithSummary("Deletes a connection; with force=true also the models and syncs that use it.")
            .WithQueryParameter("force", QueryParameterType.Boolean, "Also delete the models and syncs that use the connection; without it, a connection in use gets 422 connection_in_use.")
            .ProducesEmpty()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
    }

    private static IResult ListTypes(ConnectorRegistry registry)
    {
        var types = registry.All
            .Select(factory => new ConnectionTypeResponse
            {
                Id = factory.Info.Id,
                Name = factory.Info.Name,
                Capabilities = new ConnectionCapabilities(factory.Info.IsSource, factory.Info.IsTarget, false, false),
                ConfigurationForm = new ConnectionForm(ConnectionConfigurations.BuildJsonSchema(factory.Info)),
                InitialConfiguration = ConnectionConfigurations.InitialConfiguration(factory.Info),
            })
            .ToList();
        return ApiResults.Data(types);
    }

    private static IResult GetTypeSchema(string id, ConnectorRegistry registry)
    {
        var factory = registry.Find(id)
            ?? throw ApiException.NotFound(
                $"connection type {id} was not found: use one of {string.Join(", ", registry.All.Select(f => f.Info.Id))}",
                "id",
                id);
        return Results.Json(ConnectionConfigurations.BuildJsonSchema(factory.Info), ApiJson.Options);
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, IConnectionStore connections, ConnectorRegistry registry, CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var items = await connections.ListAsync(principal.Organization.Id, cancellationToken);
        return ApiResults.Data(items.Select(connection => ToResponse(connection, registry)).ToList());
    }

    private static async Task<IResult> GetAsync(
        string id, HttpContext context, IConnectionStore connections, ConnectorRegistry registry, CancellationToken cancellationToken)
    {
        var connection = await FindAsync(id, context, connections, cancellationToken);
        return ApiResults.Data(ToResponse(connection, registry));
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var request = await RequestJson.ReadAsync<ConnectionRequest>(context.Request, cancellationToken);
        var name = RequestValues.RequireName(request.Name);
        var type = string.IsNullOrWhiteSpace(request.Type) ? throw ApiException.MissingField("type") : request.Type;
        var configuration = request.Configuration ?? throw ApiException.MissingField("configuration");
        var factory = registry.Find(type) ?? throw UnknownType(type, registry);

        await ValidateAsync(factory, configuration, request.Validate ?? true, environment, cancellationToken);

        var now = timeProvider.GetUtcNow();
        var actor = principal.ToActor();
        var connection = new Connection
        {
            Id = Guid.NewGuid(),
            OrganizationId = principal.Organization.Id,
            Name = name,
            Type = factory.Info.Id,
            Configuration = configuration,
            Status = request.Validate ?? true ? "healthy" : UntestedStatus,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = actor,
            UpdatedBy = actor,
        };
        await connections.InsertAsync(connection, cancellationToken);
        Log.ConnectionCreated(loggerFactory.CreateLogger(typeof(ConnectionEndpoints)), connection.Id, connection.Type, connection.OrganizationId);
        return ApiResults.Data(ToResponse(connection, registry));
    }

    private static async Task<IResult> UpdateAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var connection = await FindAsync(id, context, connections, cancellationToken);
        var request = await RequestJson.ReadAsync<ConnectionRequest>(context.Request, cancellationToken);
        var name = RequestValues.RequireName(request.Name);
        var configuration = request.Configuration ?? throw ApiException.MissingField("configuration");
        if (request.Type is not null && !string.Equals(request.Type, connection.Type, StringComparison.Ordinal))
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionTypeMismatch,
                $"the type of connection {connection.Id} is {connection.Type} and cannot change to {request.Type}: "
                + "create a new connection instead",
                "type",
                request.Type);
        }

        var factory = registry.Find(connection.Type) ?? throw UnknownType(connection.Type, registry);
        ConnectionConfigurations.RestoreMaskedSecrets(configuration, connection.Configuration, factory.Info);
        await ValidateAsync(factory, configuration, request.Validate ?? true, environment, cancellationToken);

        connection.Name = name;
        connection.Configuration = configuration;
        connection.UpdatedAt = timeProvider.GetUtcNow();
        connection.UpdatedBy = principal.ToActor();
        connection.Status = request.Validate ?? true ? "healthy" : UntestedStatus;
        connection.StatusError = null;

        await connections.UpdateAsync(connection, cancellationToken);
        return ApiResults.Data(ToResponse(connection, registry));
    }

    /// <summary>
    /// Tests a configuration, as Create Connection does, without saving it. With <c>connection_id</c>, keys that are not
    /// sent keep the connection's stored values, and an omitted or masked secret keeps the stored secret only while
    /// every other key keeps its stored value.
    /// </summary>
    private static async Task<IResult> TestAsync(
        HttpContext context,
        IConnectionStore connections,
        ConnectorRegistry registry,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var request = await RequestJson.ReadAsync<TestConnectionRequest>(context.Request, cancellationToken);
        var type = string.IsNullOrWhiteSpace(request.Type) ? throw ApiException.MissingField("type") : request.Type;
        var configuration = request.Configuration ?? throw ApiException.MissingField("configuration");
        var factory = registry.Find(type) ?? throw UnknownType(type, registry);
        if (request.ConnectionId is { } connectionId)
        {
            var stored = await connections.GetAsync(principal.Organization.Id, connectionId, cancellationToken)
                ?? throw new ApiException(
                    StatusCodes.Status404NotFound,
                    ApiErrorKeys.NotFound,
                    $"connection {connectionId} was not found: use the id of one of your connections, or leave connection_id out",
                    "connection_id",
                    connectionId);
            if (!string.Equals(stored.Type, factory.Info.Id, StringComparison.Ordinal))
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.ConnectionTypeMismatch,
                    $"connection {stored.Id} is of type {stored.Type}, not {type}: send type {stored.Type}, or leave connection_id out",
                    "type",
                    type);
            }

            RejectUnknownKeys(factory.Info, configuration);
            configuration = ConnectionConfigurations.MergeOverStored(configuration, stored.Configuration, factory.Info);
        }

        await ValidateAsync(factory, configuration, test: true, environment, cancellationToken);
        return ApiResults.Empty();
    }

    private static async Task<IResult> DeleteAsync(
        string id,
        HttpContext context,
        IConnectionStore connections,
        IExecutionStore executions,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var force = RequestValues.ReadBoolean(context.Request, "force") ?? false;
        var connection = await FindAsync(id, context, connections, cancellationToken);
        var usage = await connections.GetUsageAsync(principal.Organization.Id, connection.Id, cancellationToken);
        if (!usage.IsEmpty && !force)
        {
            throw new ApiException(
                StatusCodes.Status422UnprocessableEntity,
                ApiErrorKeys.ConnectionInUse,
                $"connection {connection.Id} is used by {usage.ModelIds.Count} models and {usage.SyncIds.Count} syncs: "
                + "delete them first, or send force=true to delete them together with the connection",
                "id",
                connection.Id,
                new Dictionary<string, object?>
                {
                    ["model_ids"] = usage.ModelIds,
                    ["sync_ids"] = usage.SyncIds,
                });
        }

        var logger = loggerFactory.CreateLogger(typeof(ConnectionEndpoints));
        foreach (var syncId in usage.SyncIds)
        {
            var current = await executions.GetCurrentAsync(principal.Organization.Id, syncId, cancellationToken);
            if (current is not null && await executions.RequestCancelAsync(current.Id, cancellationToken))
            {
                Log.ExecutionCancelRequested(logger, current.Id, syncId);
            }
        }

        await connections.DeleteAsync(principal.Organization.Id, connection.Id, cancellationToken);
        Log.ConnectionDeleted(logger, connection.Id, principal.Organization.Id, usage.ModelIds.Count, usage.SyncIds.Count);
        return ApiResults.Empty();
    }

    private static async Task<Connection> FindAsync(
        string id, HttpContext context, IConnectionStore connections, CancellationToken cancellationToken)
    {
        var connectionId = RequestValues.ParseId(id, "connection");
        var principal = context.GetApiPrincipal();
        return await connections.GetAsync(principal.Organization.Id, connectionId, cancellationToken)
            ?? throw ApiException.NotFound($"connection {connectionId} was not found", "id", connectionId);
    }

    /// <summary>Checks a configuration's shape, then connects with it unless <paramref name="test"/> is false.</summary>
    private static async Task ValidateAsync(
        IConnectorFactory factory,
        JsonObject configuration,
        bool test,
        ConnectorEnvironment environment,
        CancellationToken cancellationToken)
    {
        RejectUnknownKeys(factory.Info, configuration);
        var problems = factory.Validate(configuration, environment);
        if (problems.Count > 0)
        {
            // A value of the wrong JSON type makes the request malformed (400). A well-typed value that is out
            // of range, or that points at something unusable, makes it unprocessable (422).
            var first = problems.FirstOrDefault(p => p.IsWrongType) ?? problems[0];
            throw new ApiException(
                first.IsWrongType ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity,
                first.IsWrongType ? ApiErrorKeys.InvalidField : ApiErrorKeys.InvalidConfiguration,
                $"the {factory.Info.Id} configuration is invalid: {first.Message}",
                first.Field,
                first.Value,
                new Dictionary<string, object?>
                {
                    ["problems"] = problems.Select(p => new Dictionary<string, object?>
                    {
                        ["field"] = p.Field,
                        ["message"] = p.Message,
                    }).ToList(),
                });
        }

        if (!test)
        {
            return;
        }

        try
        {
            await factory.TestAsync(configuration, environment, cancellationToken);
        }
        catch (ConnectorException exception)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionFailed,
                $"could not connect with this configuration: {exception.Message.TrimEnd('.')}. "
                + "Fix the configuration, or send validate=false to save it untested",
                "configuration");
        }
    }

    /// <summary>
    /// Rejects keys the connection type does not define. They would be stored and returned unmasked, so a
    /// secret under a misspelt key (<c>Password</c>) would leak; the value is left out of the error for that reason.
    /// </summary>
    private static void RejectUnknownKeys(ConnectionTypeInfo info, JsonObject configuration)
    {
        foreach (var (key, _) in configuration)
        {
            if (!info.Configuration.Any(field => string.Equals(field.Name, key, StringComparison.Ordinal)))
            {
                throw ApiException.Unprocessable(
                    ApiErrorKeys.InvalidConfiguration,
                    $"{key} is not a configuration key of {info.Id} connections: use "
                    + string.Join(", ", info.Configuration.Select(field => field.Name)),
                    $"configuration.{key}");
            }
        }
    }

    private static ApiException UnknownType(string type, ConnectorRegistry registry) => ApiException.Unprocessable(
        ApiErrorKeys.UnknownConnectionType,
        $"connection type {type} is not supported: use one of {string.Join(", ", registry.All.Select(f => f.Info.Id))}",
        "type",
        type);

    private static ConnectionResponse ToResponse(Connection connection, ConnectorRegistry registry)
    {
        var info = registry.Find(connection.Type)?.Info;
        return new ConnectionResponse
        {
            Id = connection.Id,
            Name = connection.Name,
            Type = new ConnectionTypeReference(connection.Type, info?.Name ?? connection.Type),
            Configuration = ConnectionConfigurations.Masked(connection.Configuration, info),
            OrganizationId = connection.OrganizationId,
            Status = connection.Status,
            StatusError = connection.StatusError,
            CreatedAt = connection.CreatedAt,
            UpdatedAt = connection.UpdatedAt,
            CreatedBy = ActorResponse.From(connection.CreatedBy),
            UpdatedBy = ActorResponse.From(connection.UpdatedBy),
        };
    }
}
