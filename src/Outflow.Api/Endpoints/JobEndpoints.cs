using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Core.Jobs;

namespace Outflow.Api.Endpoints;

/// <summary>Get Job: the status and result of work that a request started with <c>async=true</c>.</summary>
internal static class JobEndpoints
{
    public static void MapJobEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/jobs/{type}/{id}", GetAsync)
            .WithTags("Models")
            .WithName("GetJob")
            .WithSummary("Returns a background job of the given type; result holds the response's data once status is done.")
            .ProducesData<JobResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
    }

    public static JobResponse ToResponse(Job job) => new()
    {
        JobId = job.Id,
        Type = job.Type,
        Status = job.Status.ToWire(),
        Result = job.Status == JobStatus.Done && job.Result is not null ? JsonNode.Parse(job.Result) : null,
        Error = job.Status == JobStatus.Failed ? job.Error : null,
    };

    private static async Task<IResult> GetAsync(
        string type, string id, HttpContext context, IJobStore jobs, CancellationToken cancellationToken)
    {
        if (!JobTypes.All.Contains(type, StringComparer.Ordinal))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidJobType,
                $"job type {type} does not exist: use one of {string.Join(", ", JobTypes.All)}",
                "type",
                type);
        }

        var jobId = RequestValues.ParseId(id, "job");
        var job = await jobs.GetAsync(context.GetApiPrincipal().Organization.Id, jobId, cancellationToken);
        if (job is null || !string.Equals(job.Type, type, StringComparison.Ordinal))
        {
            throw ApiException.NotFound($"job {jobId} of type {type} was not found", "id", jobId);
        }

        return ApiResults.Data(ToResponse(job));
    }
}
