using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Api.Paging;
using Outflow.Core;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Api.Endpoints;

/// <summary>Executions of a sync: list, get, update and cancel.</summary>
internal static class ExecutionEndpoints
{
    private const int PageSize = 50;

    public static void MapExecutionEndpoints(this RouteGroupBuilder api)
    {
        var executions = api.MapGroup("/syncs/{sync_id}/executions").WithTags("Executions");
        executions.MapGet("", ListAsync)
            .WithName("ListExecutions")
            .WithSummary("Lists a sync's executions, 50 per page, newest start first unless ascending=true.")
            .WithQueryParameter("only_completed", QueryParameterType.Boolean, "Only executions in a terminal status: completed, failed, canceled or interrupted.")
            .WithQueryParameter("ascending", QueryParameterType.Boolean, "Oldest start first.")
            .WithQueryParameter("page_token", QueryParameterType.String, "pagination.next_page_token of the previous page, sent with the same filters; omit for the first page.")
            .ProducesPage<ExecutionResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        executions.MapGet("/{id}", GetAsync)
            .WithName("GetExecution")
            .WithSummary("Returns one execution of a sync with its counts and errors.")
            .ProducesData<ExecutionResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        executions.MapPut("/{id}", UpdateAsync)
            .WithName("UpdateExecution")
            .WithSummary("Moves an execution to another status; only an unfinished execution to canceled is allowed.")
            .AcceptsJson<UpdateExecutionRequest>()
            .ProducesData<ExecutionResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);

        // A literal last segment, so routes with a parameter there (log types) never match .../cancel.
        executions.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelExecution")
            .WithSummary("Requests cancellation of an unfinished execution and returns without waiting for it.")
            .ProducesData<CancelResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
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
        var sync = await SyncEndpoints.FindAsync(syncId, "sync_id", context, syncs, cancellationToken);
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
        var execution = await FindAsync(syncId, id, context, executions, cancellationToken);
        return ApiResults.Data(ExecutionResponse.From(execution));
    }

    private static async Task<IResult> UpdateAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        string id,
        HttpContext context,
        IExecutionStore executions,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var execution = await FindAsync(syncId, id, context, executions, cancellationToken);
        var request = await RequestJson.ReadAsync<UpdateExecutionRequest>(context.Request, cancellationToken);
        var text = request.Status ?? throw ApiException.MissingField("status");
        if (!ExecutionStatuses.TryParse(text, out var status))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidField,
                $"status must be one of {string.Join(", ", Enum.GetValues<ExecutionStatus>().Select(value => value.ToWire()))}, got \"{text}\"",
                "status",
                text);
        }

        // Retrying a finished execution is not offered: Start Sync creates a new one instead.
        if (status != ExecutionStatus.Canceled || execution.Status.IsTerminal())
        {
            throw InvalidTransition(execution, text);
        }

        // The store rejects the request when the execution finished after it was read.
        if (!await executions.RequestCancelAsync(execution.Id, cancellationToken))
        {
            throw InvalidTransition(await ReloadAsync(execution, executions, cancellationToken), text);
        }

        Log.CancelRequested(loggerFactory.CreateLogger(typeof(ExecutionEndpoints)), execution.Id, execution.SyncId);
        return ApiResults.Data(ExecutionResponse.From(await ReloadAsync(execution, executions, cancellationToken)));
    }

    private static async Task<IResult> CancelAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        string id,
        HttpContext context,
        IExecutionStore executions,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var execution = await FindAsync(syncId, id, context, executions, cancellationToken);
        await RequestJson.ReadOptionalAsync<JsonObject>(context.Request, cancellationToken);

        // The store rejects the request when the execution finished after it was read.
        if (execution.Status.IsTerminal() || !await executions.RequestCancelAsync(execution.Id, cancellationToken))
        {
            var finished = await ReloadAsync(execution, executions, cancellationToken);
            throw ApiException.BadRequest(
                ApiErrorKeys.ExecutionFinished,
                $"execution {execution.Id} already finished as {finished.Status.ToWire()}, so there is nothing to cancel",
                "id",
                execution.Id);
        }

        Log.CancelRequested(loggerFactory.CreateLogger(typeof(ExecutionEndpoints)), execution.Id, execution.SyncId);
        return ApiResults.Data(new CancelResponse($"cancellation of execution {execution.Id} requested"));
    }

    /// <summary>Finds an execution of a sync of the caller's organization by path ids; 404 when any of them does not match.</summary>
    internal static async Task<Execution> FindAsync(
        string syncId, string id, HttpContext context, IExecutionStore executions, CancellationToken cancellationToken)
    {
        var principal = context.GetApiPrincipal();
        var parsedSyncId = RequestValues.ParseId(syncId, "sync", "sync_id");
        var executionId = RequestValues.ParseId(id, "execution");
        return await executions.GetAsync(principal.Organization.Id, parsedSyncId, executionId, cancellationToken)
            ?? throw ApiException.NotFound($"execution {executionId} of sync {parsedSyncId} was not found", "id", executionId);
    }

    /// <summary>Reads the execution again after a change; a sync deleted meanwhile makes it 404.</summary>
    private static async Task<Execution> ReloadAsync(Execution execution, IExecutionStore executions, CancellationToken cancellationToken) =>
        await executions.GetAsync(execution.OrganizationId, execution.SyncId, execution.Id, cancellationToken)
            ?? throw ApiException.NotFound($"execution {execution.Id} of sync {execution.SyncId} was not found", "id", execution.Id);

    private static ApiException InvalidTransition(Execution execution, string requested) => ApiException.BadRequest(
        ApiErrorKeys.InvalidStatusTransition,
        execution.Status.IsTerminal()
            ? $"execution {execution.Id} already finished as {execution.Status.ToWire()} and cannot change status; start the sync again for a new execution"
            : $"execution {execution.Id} is {execution.Status.ToWire()} and cannot be set to {requested}: the only change allowed is to canceled",
        "status",
        requested);
}
