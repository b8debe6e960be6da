using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Jobs;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Api.Models;
using Outflow.Api.Paging;
using Outflow.Core;
using Outflow.Core.Jobs;
using Outflow.Core.Models;
using Outflow.Core.Organizations;

namespace Outflow.Api.Endpoints;

/// <summary>Models: list, create, get, replace and delete. Create and replace run as jobs with <c>async=true</c>.</summary>
internal static class ModelEndpoints
{
    private const int PageSize = 50;

    public static void MapModelEndpoints(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");
        models.MapGet("", ListAsync)
            .WithName("ListModels")
            .WithSummary("Lists the organization's models, most recently updated first, 50 per page.")
            .WithQueryParameter("limit", QueryParameterType.Integer, "Page size from 1 to 50; other values mean 50.")
            .WithQueryParameter("page_token", QueryParameterType.String, "pagination.next_page_token of the previous page; omit for the first page.")
            .ProducesPage<ModelResponse>();
        models.MapPost("", CreateAsync)
            .WithName("CreateModel")
            .WithSummary("Creates a model; its fields are discovered by running the query or reading the table on the source.")
            .WithQueryParameter("async", QueryParameterType.Boolean, "true: return a job at once and do the work in the background; poll Get Job with the job's type and id for its result.")
            .AcceptsJson<ModelRequest>()
            .ProducesAsync<ModelResponse>()
            .ProducesErrors(StatusCodes.Status422UnprocessableEntity);
        models.MapGet("/{id}", GetAsync)
            .WithName("GetModel")
            .WithSummary("Returns one model with its fields.")
            .WithQueryParameter("async", QueryParameterType.Boolean, "Accepted for compatibility and ignored: this route has no job type, so the work always runs inline and the response carries data.")
            .ProducesData<ModelResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        models.MapPut("/{id}", UpdateAsync)
            .WithName("UpdateModel")
            .WithSummary("Replaces a model; refresh=true discovers its fields again.")
            .WithQueryParameter("async", QueryParameterType.Boolean, "true: return a job at once and do the work in the background; poll Get Job with the job's type and id for its result.")
            .AcceptsJson<ModelRequest>()
            .ProducesAsync<ModelResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        models.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteModel")
            .WithSummary("Deletes a model; with force=true also when syncs use it, which then fail on their next execution.")
            .WithQueryParameter("async", QueryParameterType.Boolean, "Accepted for compatibility and ignored: this route has no job type, so the work always runs inline and the response carries data.")
            .WithQueryParameter("force", QueryParameterType.Boolean, "Delete the model even when syncs use it; without it, a model in use gets 422 model_in_use.")
            .ProducesEmpty()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> ListAsync(
        HttpContext context, IModelStore models, PageTokenCodec pageTokens, CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var limit = RequestValues.ReadLimit(context.Request, "limit", PageSize);
        var scope = new PageTokenScope("models", principal.Organization.Id, null, "");
        var token = RequestValues.ReadString(context.Request, "page_token");
        var after = token is null ? null : pageTokens.Read(token, scope);

        // NOTE: the model store has no keyset query, so paging runs over the full list in memory.
        var all = await models.ListAsync(principal.Organization.Id, cancellationToken);
        var ordered = all
            .OrderByDescending(model => model.UpdatedAt.ToUnixTimeMilliseconds())
            .ThenByDescending(model => model.Id)
            .SkipWhile(model => after is not null && !IsAfter(model, after))
            .Take(limit + 1)
            .ToList();
        var page = ordered.Take(limit).ToList();
        var next = ordered.Count > limit
            ? pageTokens.Create(scope, new ListCursor(page[^1].UpdatedAt.ToUnixTimeMilliseconds(), page[^1].Id))
            : null;
        return ApiResults.Page(page.Select(ToResponse).ToList(), next);
    }

    private static async Task<IResult> GetAsync(
        string id, HttpContext context, IModelStore models, CancellationToken cancellationToken)
    {
        _ = RequestValues.ReadBoolean(context.Request, "async");
        var model = await FindAsync(id, context, models, cancellationToken);
        return ApiResults.Data(ToResponse(model));
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context,
        IModelStore models,
        ModelDefinitionBuilder builder,
        JobRunner jobs,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var organizationId = principal.Organization.Id;
        var actor = principal.ToActor();
        var runAsync = RequestValues.ReadBoolean(context.Request, "async") ?? false;
        var request = await RequestJson.ReadAsync<ModelRequest>(context.Request, cancellationToken);
        var checkedRequest = await builder.CheckAsync(organizationId, request, cancellationToken);
        if (runAsync)
        {
            var job = await jobs.StartAsync(
                organizationId,
                JobTypes.CreateModel,
                (services, token) => InsertModelAsync(
                    services.GetRequiredService<ModelDefinitionBuilder>(),
                    models,
                    timeProvider,
                    organizationId,
                    actor,
                    checkedRequest,
                    request,
                    token),
                cancellationToken);
            return ApiResults.Job(job);
        }

        var model = await InsertModelAsync(
            builder, models, timeProvider, organizationId, actor, checkedRequest, request, cancellationToken);
        return ApiResults.Data(model);
    }

    private static async Task<ModelResponse> InsertModelAsync(
        ModelDefinitionBuilder builder,
        IModelStore models,
        TimeProvider timeProvider,
        Guid organizationId,
        Actor actor,
        CheckedModelRequest checkedRequest,
        ModelRequest request,
        CancellationToken cancellationToken)
    {
        var definition = await builder.BuildAsync(checkedRequest, request, null, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var model = new Model
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            ConnectionId = definition.Connection.Id,
            ConnectionType = definition.Connection.Type,
            Name = definition.Name,
            Configuration = definition.Configuration,
            Fields = definition.Fields,
            Identifier = definition.Identifier,
            TrackingColumns = definition.TrackingColumns,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = actor,
            UpdatedBy = actor,
        };
        await models.InsertAsync(model, cancellationToken);
        return ToResponse(model);
    }

    private static async Task<IResult> UpdateAsync(
        string id,
        HttpContext context,
        IModelStore models,
        ModelDefinitionBuilder builder,
        JobRunner jobs,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var organizationId = principal.Organization.Id;
        var actor = principal.ToActor();
        var runAsync = RequestValues.ReadBoolean(context.Request, "async") ?? false;
        var model = await FindAsync(id, context, models, cancellationToken);
        var request = await RequestJson.ReadAsync<ModelRequest>(context.Request, cancellationToken);
        var checkedRequest = await builder.CheckAsync(organizationId, request, cancellationToken);
        if (runAsync)
        {
            var job = await jobs.StartAsync(
                organizationId,
                JobTypes.UpdateModel,
                async (services, token) =>
                {
                    // The model is read again because it may have changed or been deleted since the request.
                    var current = await models.GetAsync(organizationId, model.Id, token)
                        ?? throw ApiException.NotFound($"model {model.Id} was not found: it was deleted before the update ran", "id", model.Id);
                    return await ReplaceModelAsync(
                        services.GetRequiredService<ModelDefinitionBuilder>(),
                        models,
                        timeProvider,
                        current,
                        actor,
                        checkedRequest,
                        request,
                        token);
                },
                cancellationToken);
            return ApiResults.Job(job);
        }

        var response = await ReplaceModelAsync(builder, models, timeProvider, model, actor, checkedRequest, request, cancellationToken);
        return ApiResults.Data(response);
    }

    private static async Task<ModelResponse> ReplaceModelAsync(
        ModelDefinitionBuilder builder,
        IModelStore models,
        TimeProvider timeProvider,
        Model model,
        Actor actor,
        CheckedModelRequest checkedRequest,
        ModelRequest request,
        CancellationToken cancellationToken)
    {
        var definition = await builder.BuildAsync(checkedRequest, request, model, cancellationToken);
        model.ConnectionId = definition.Connection.Id;
        model.ConnectionType = definition.Connection.Type;
        model.Name = definition.Name;
        model.Configuration = definition.Configuration;
        model.Fields = definition.Fields;
        model.Identifier = definition.Identifier;
        model.TrackingColumns = definition.TrackingColumns;
        model.Version++;
        model.UpdatedAt = timeProvider.GetUtcNow();
        model.UpdatedBy = actor;
        await models.UpdateAsync(model, cancellationToken);
        return ToResponse(model);
    }

    private static async Task<IResult> DeleteAsync(
        string id, HttpContext context, IModelStore models, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        _ = RequestValues.ReadBoolean(context.Request, "async");
        var force = RequestValues.ReadBoolean(context.Request, "force") ?? false;
        var model = await FindAsync(id, context, models, cancellationToken);
        var syncIds = await models.ListSyncIdsUsingAsync(principal.Organization.Id, model.Id, cancellationToken);
        if (syncIds.Count > 0 && !force)
        {
            throw new ApiException(
                StatusCodes.Status422UnprocessableEntity,
                ApiErrorKeys.ModelInUse,
                $"model {model.Id} is used by {syncIds.Count} syncs: delete them first, or send force=true "
                + "to delete the model anyway, after which those syncs fail",
                "id",
                model.Id,
                new Dictionary<string, object?> { ["sync_ids"] = syncIds });
        }

        await models.DeleteAsync(principal.Organization.Id, model.Id, cancellationToken);
        Log.ModelDeleted(loggerFactory.CreateLogger(typeof(ModelEndpoints)), model.Id, principal.Organization.Id);
        return ApiResults.Empty();
    }

    internal static async Task<Model> FindAsync(string id, HttpContext context, IModelStore models, CancellationToken cancellationToken)
    {
        var modelId = RequestValues.ParseId(id, "model");
        return await models.GetAsync(context.GetApiPrincipal().Organization.Id, modelId, cancellationToken)
            ?? throw ApiException.NotFound($"model {modelId} was not found", "id", modelId);
    }

    private static bool IsAfter(Model model, ListCursor cursor)
    {
        var key = model.UpdatedAt.ToUnixTimeMilliseconds();
        return key < cursor.SortKey || (key == cursor.SortKey && model.Id.CompareTo(cursor.Id) < 0);
    }

    private static ModelResponse ToResponse(Model model) => new()
    {
        Id = model.Id,
        Name = model.Name,
        Type = model.ConnectionType,
        ConnectionId = model.ConnectionId,
        Configuration = model.Configuration,
        Fields = model.Fields.Select(field => new ModelFieldResponse
        {
            Id = field.Id,
            Name = field.Name,
            Label = field.Label,
            Type = field.Type.ToString().ToLowerInvariant(),
            RemoteType = field.RemoteType,
            UserAdded = field.UserAdded,
            CreatedAt = field.CreatedAt,
        }).ToList(),
        Identifier = model.Identifier,
        TrackingColumns = model.TrackingColumns,
        OrganizationId = model.OrganizationId,
        Version = model.Version,
        CreatedAt = model.CreatedAt,
        UpdatedAt = model.UpdatedAt,
        CreatedBy = ActorResponse.From(model.CreatedBy),
        UpdatedBy = ActorResponse.From(model.UpdatedBy),
    };
}
