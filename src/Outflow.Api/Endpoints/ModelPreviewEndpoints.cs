using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Jobs;
using Outflow.Api.Json;
using Outflow.Api.Models;
using Outflow.Api.OpenApi;
using Outflow.Core.Jobs;
using Outflow.Core.Models;

namespace Outflow.Api.Endpoints;

/// <summary>Preview Model and Get Model Sample: read from a model's source without storing anything.</summary>
internal static class ModelPreviewEndpoints
{
    /// <summary>How long a synchronous sample may run before the request fails with <c>400 sample_timed_out</c>.</summary>
    public static readonly TimeSpan SynchronousSampleTimeout = TimeSpan.FromSeconds(10);

    public static void MapModelPreviewEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/model-preview", PreviewAsync)
            .WithTags("Models")
            .WithName("PreviewModel")
            .WithSummary("Validates a create model request and returns the model it would create, with its fields; nothing is stored.")
            .WithQueryParameter(
                "async",
                QueryParameterType.Boolean,
                "true: return a job of type previewmodel at once and do the work in the background; poll Get Job for its result.")
            .AcceptsJson<ModelRequest>()
            .ProducesAsync<ModelPreviewResponse>()
            .ProducesErrors(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/models/{id}/sample", SampleAsync)
            .WithTags("Models")
            .WithName("GetModelSample")
            .WithSummary($"Returns the first {ModelSampler.RowCount} rows of a model, read from its source.")
            .WithQueryParameter(
                "async",
                QueryParameterType.Boolean,
                "true: return a job of type samplemodel at once and read the rows in the background; poll Get Job for its "
                + "result. Without it, a sample that takes longer than 10 s fails with 400 sample_timed_out.")
            .ProducesAsync<ModelSampleResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> PreviewAsync(
        HttpContext context, ModelDefinitionBuilder builder, JobRunner jobs, CancellationToken cancellationToken)
    {
        var organizationId = context.GetApiPrincipal().Organization.Id;
        var runAsync = RequestValues.ReadBoolean(context.Request, "async") ?? false;
        var request = await RequestJson.ReadAsync<ModelRequest>(context.Request, cancellationToken);
        var checkedRequest = await builder.CheckAsync(organizationId, request, cancellationToken);
        if (runAsync)
        {
            var job = await jobs.StartAsync(
                organizationId,
                JobTypes.PreviewModel,
                (services, token) => PreviewModelAsync(
                    services.GetRequiredService<ModelDefinitionBuilder>(), organizationId, checkedRequest, request, token),
                cancellationToken);
            return ApiResults.Job(job);
        }

        return ApiResults.Data(await PreviewModelAsync(builder, organizationId, checkedRequest, request, cancellationToken));
    }

    private static async Task<ModelPreviewResponse> PreviewModelAsync(
        ModelDefinitionBuilder builder,
        Guid organizationId,
        CheckedModelRequest checkedRequest,
        ModelRequest request,
        CancellationToken cancellationToken)
    {
        var definition = await builder.BuildAsync(checkedRequest, request, null, cancellationToken);
        return new ModelPreviewResponse
        {
            Name = definition.Name,
            Type = definition.Connection.Type,
            ConnectionId = definition.Connection.Id,
            Configuration = definition.Configuration,
            Fields = definition.Fields.Select(ToPreviewField).ToList(),
            Identifier = definition.Identifier,
            TrackingColumns = definition.TrackingColumns,
            OrganizationId = organizationId,
        };
    }

    private static ModelPreviewFieldResponse ToPreviewField(ModelField field) => new()
    {
        Name = field.Name,
        Label = field.Label,
        Type = field.Type.ToString().ToLowerInvariant(),
        RemoteType = field.RemoteType,
        UserAdded = field.UserAdded,
    };

    private static async Task<IResult> SampleAsync(
        string id,
        HttpContext context,
        IModelStore models,
        ModelSampler sampler,
        JobRunner jobs,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var organizationId = context.GetApiPrincipal().Organization.Id;
        var runAsync = RequestValues.ReadBoolean(context.Request, "async") ?? false;
        var model = await ModelEndpoints.FindAsync(id, context, models, cancellationToken);
        if (runAsync)
        {
            var job = await jobs.StartAsync(
                organizationId,
                JobTypes.SampleModel,
                (services, token) => services.GetRequiredService<ModelSampler>().SampleAsync(model, token),
                cancellationToken);
            return ApiResults.Job(job);
        }

        using var timeout = new CancellationTokenSource(SynchronousSampleTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return ApiResults.Data(await sampler.SampleAsync(model, linked.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.SampleTimedOut,
                $"reading the sample of model {model.Id} took longer than {SynchronousSampleTimeout.TotalSeconds:0} s: send "
                + "the request again with async=true and poll GET /api/jobs/samplemodel/{job_id} for the sample",
                "async",
                false);
        }
    }
}
