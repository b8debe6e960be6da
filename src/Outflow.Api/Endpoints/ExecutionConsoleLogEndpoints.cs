using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Core.Executions;

namespace Outflow.Api.Endpoints;

/// <summary>
/// The console log of an execution: what it is doing, newest entries first available, paged forward with the
/// <c>after</c> cursor.
/// </summary>
internal static class ExecutionConsoleLogEndpoints
{
    private const int MaxLimit = 50;

    public static void MapExecutionConsoleLogEndpoints(this RouteGroupBuilder api)
    {
        // A literal last segment, so it takes precedence over the log routes' {type} parameter.
        api.MapGet("/syncs/{sync_id}/executions/{id}/consolelog", GetAsync)
            .WithName("GetExecutionConsoleLogs")
            .WithSummary(
                "Returns up to limit (at most 50) console log entries, oldest first: the newest entries, " +
                "or with after=<entry id> the oldest entries after that one.")
            .WithTags("Executions")
            .WithQueryParameter("limit", QueryParameterType.Integer, "How many entries to return, at most 50; missing, not positive or above 50 means 50.")
            .WithQueryParameter("after", QueryParameterType.String, "An entry id (<epoch-ms>-<sequence>), usually next_cursor of the previous call: return only newer entries.")
            .ProducesData<ExecutionConsoleLogsResponse>()
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> GetAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        string id,
        HttpContext context,
        IExecutionStore executions,
        IExecutionConsoleLog consoleLog,
        CancellationToken cancellationToken)
    {
        var execution = await ExecutionEndpoints.FindAsync(syncId, id, context, executions, cancellationToken);

        // Like the other list routes, a limit that is missing, not positive or above the maximum means the maximum.
        var limit = RequestValues.ReadLimit(context.Request, "limit", MaxLimit);
        var afterText = RequestValues.ReadString(context.Request, "after");
        ConsoleLogCursor? after = null;
        if (afterText is not null)
        {
            if (!ConsoleLogCursor.TryParse(afterText, out var cursor))
            {
                throw ApiException.BadRequest(
                    ApiErrorKeys.InvalidQueryParameter,
                    "query parameter after must be a console log entry id of the form <epoch-ms>-<sequence>, " +
                    $"such as 1767225600000-0, got \"{afterText}\": pass the id of an entry or the next_cursor of an earlier response",
                    "after",
                    afterText);
            }

            after = cursor;
        }

        var entries = await consoleLog.ListAsync(execution.Id, after, limit, cancellationToken);

        // The newest returned id, else the caller's cursor, else null: an execution without entries has no cursor yet.
        var nextCursor = entries.Count > 0 ? entries[^1].Id.ToString() : afterText;
        return ApiResults.Data(new ExecutionConsoleLogsResponse(
            entries.Select(ExecutionConsoleLogEntryResponse.From).ToList(), nextCursor));
    }
}
