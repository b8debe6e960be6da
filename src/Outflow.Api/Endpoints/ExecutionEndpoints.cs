using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.Paging;
using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Api.Endpoints;

/// <summary>Executions of a sync: list and get.</summary>
internal static class ExecutionEndpoints
{
    private const int PageSize = 50;

    public static void MapExecutionEndpoints(this RouteGroupBuilder api)
    {
        var executions = api.MapGroup("/syncs/{sync_id}/executions");
        executions.MapGet("", ListAsync)
            .WithName("ListExecutions")
            .WithSummary("Lists a sync's executions, 50 per page, newest start first unless ascending=true.");
        executions.MapGet("/{id}", GetAsync)
            .WithName("GetExecution")
            .WithSummary("Returns one execution of a sync with its counts and errors.");
    }

    private static async Task<IResult> ListAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        HttpContext context,
        ISyncStore syncs,
        IExecutionStore executions,
        PageTokenCodec pageTokens,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var onlyCompleted = RequestValues.ReadBoolean(context.Request, "only_completed") ?? false;
        var ascending = RequestValues.ReadBoolean(context.Request, "ascending") ?? false;
        var sync = await SyncEndpoints.FindAsync(syncId, context, syncs, cancellationToken);
        var scope = new PageTokenScope(
            "executions", principal.Organization.Id, sync.Id, $"only_completed={onlyCompleted};ascending={ascending}");
        var token = RequestValues.ReadString(context.Request, "page_token");
        var after = token is null ? null : pageTokens.Read(token, scope);

        var items = await executions.ListAsync(
            principal.Organization.Id, sync.Id, new ExecutionListQuery(onlyCompleted, ascending, after, PageSize + 1), cancellationToken);
        var page = items.Take(PageSize).ToList();
        string? next = null;
        if (items.Count > PageSize)
        {
            var last = page[^1];
            next = pageTokens.Create(scope, new ListCursor((last.StartedAt ?? last.CreatedAt).ToUnixTimeMilliseconds(), last.Id));
        }

        return ApiResults.Page(page.Select(ExecutionResponse.From).ToList(), next);
    }

    private static async Task<IResult> GetAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        string id,
        HttpContext context,
        IExecutionStore executions,
        CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var parsedSyncId = RequestValues.ParseId(syncId, "sync");
        var executionId = RequestValues.ParseId(id, "execution");
        var execution = await executions.GetAsync(principal.Organization.Id, parsedSyncId, executionId, cancellationToken)
            ?? throw ApiException.NotFound($"execution {executionId} of sync {parsedSyncId} was not found");
        return ApiResults.Data(ExecutionResponse.From(execution));
    }
}
