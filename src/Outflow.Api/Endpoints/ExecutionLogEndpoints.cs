using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Api.OpenApi;
using Outflow.Api.Logs;
using Outflow.Core.Executions;

namespace Outflow.Api.Endpoints;

/// <summary>
/// The record log files of an execution: the logs index, signed download URLs per type or per file, and the
/// download route those URLs point at.
/// </summary>
internal static class ExecutionLogEndpoints
{
    private const string NdjsonMediaType = "application/x-ndjson";
    private const string CancelSegment = "cancel";

    public static void MapExecutionLogEndpoints(this RouteGroupBuilder api)
    {
        var executions = api.MapGroup("/syncs/{sync_id}/executions").WithTags("Logs");

        // Literal segments take precedence over parameters in ASP.NET Core routing, so .../logs (and the
        // .../cancel and .../consolelog routes) never reach the {type} route.
        executions.MapGet("/{id}/logs", IndexAsync)
            .WithName("GetExecutionLogsIndex")
            .WithSummary("Lists every log file of an execution with its type, name, line count and size.")
            .ProducesData<ExecutionLogIndexResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        executions.MapGet("/{id}/{type}", GetUrlsAsync)
            .WithName("GetExecutionLogUrls")
            .WithSummary("Returns a signed download URL for each log file of one type, in file order.")
            .ProducesData<ExecutionLogUrlsResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);
        executions.MapGet("/{id}/{type}/{filename}", GetUrlAsync)
            .WithName("GetExecutionLog")
            .WithSummary("Returns a fresh signed download URL for one log file.")
            .ProducesData<ExecutionLogUrlsResponse>()
            .ProducesErrors(StatusCodes.Status404NotFound);

        // The signed token is the credential, so the URL works without an Authorization header.
        api.MapGet("/logs/download/{token}", DownloadAsync)
            .AllowAnonymous()
            .WithName("DownloadExecutionLog")
            .WithSummary("Streams one log file as JSON Lines; the token in the path must be valid and unexpired.")
            .WithTags("Logs")
            .Produces<string>(StatusCodes.Status200OK, NdjsonMediaType)
            .ProducesErrors(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> IndexAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        string id,
        HttpContext context,
        IExecutionStore executions,
        IExecutionLogFiles logFiles,
        CancellationToken cancellationToken)
    {
        var execution = await ExecutionEndpoints.FindAsync(syncId, id, context, executions, cancellationToken);
        var files = await logFiles.ListAsync(execution.Id, cancellationToken);
        return ApiResults.Data(new ExecutionLogIndexResponse(
            files.Select(file => new ExecutionLogFileResponse(file.Type, file.Name, file.Records, file.Bytes)).ToList()));
    }

    private static async Task<IResult> GetUrlsAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        string id,
        string type,
        HttpContext context,
        IExecutionStore executions,
        IExecutionLogFiles logFiles,
        LogDownloadTokenCodec tokens,
        CancellationToken cancellationToken)
    {
        // GET .../cancel lands here because the cancel route takes only POST.
        if (string.Equals(type, CancelSegment, StringComparison.Ordinal))
        {
            context.Response.Headers.Allow = HttpMethods.Post;
            throw new ApiException(
                StatusCodes.Status405MethodNotAllowed,
                ApiErrorKeys.MethodNotAllowed,
                $"{context.Request.Method} is not allowed on {context.Request.Path}: cancel an execution with POST");
        }

        var execution = await ExecutionEndpoints.FindAsync(syncId, id, context, executions, cancellationToken);
        RequireKnownType(type);
        var names = await logFiles.ListNamesAsync(execution.Id, type, cancellationToken);
        return ApiResults.Data(SignedUrls(context.Request, tokens, execution, type, names));
    }

    private static async Task<IResult> GetUrlAsync(
        [FromRoute(Name = "sync_id")] string syncId,
        string id,
        string type,
        string filename,
        HttpContext context,
        IExecutionStore executions,
        IExecutionLogFiles logFiles,
        LogDownloadTokenCodec tokens,
        CancellationToken cancellationToken)
    {
        var execution = await ExecutionEndpoints.FindAsync(syncId, id, context, executions, cancellationToken);
        RequireKnownType(type);

        // The client's file name is only compared with the listed names, never used to build a path.
        var names = await logFiles.ListNamesAsync(execution.Id, type, cancellationToken);
        var name = names.FirstOrDefault(name => string.Equals(name, filename, StringComparison.Ordinal))
            ?? throw ApiException.NotFound(
                $"execution {execution.Id} has no {type} log file named {filename}: list its files with GET .../executions/{execution.Id}/{type}",
                "filename",
                filename);
        return ApiResults.Data(SignedUrls(context.Request, tokens, execution, type, [name]));
    }

    private static async Task<IResult> DownloadAsync(
        string token,
        IExecutionStore executions,
        IExecutionLogFiles logFiles,
        LogDownloadTokenCodec tokens,
        CancellationToken cancellationToken)
    {
        var grant = tokens.Read(token);

        // A deleted sync or execution takes its logs with it, even while URLs for them are unexpired.
        var execution = await executions.GetAsync(grant.OrganizationId, grant.SyncId, grant.ExecutionId, cancellationToken)
            ?? throw ApiException.NotFound(
                $"execution {grant.ExecutionId} of sync {grant.SyncId} no longer exists, so its log files are gone; list the sync's executions for current ones",
                "token");
        var stream = await logFiles.OpenAsync(execution.Id, grant.FileName, cancellationToken)
            ?? throw ApiException.NotFound(
                $"log file {grant.FileName} of execution {execution.Id} no longer exists; a resumed execution rewrites its errors and warnings files, so request new URLs",
                "token");

        return Results.Stream(stream, NdjsonMediaType, grant.FileName);
    }

    private static ExecutionLogUrlsResponse SignedUrls(
        HttpRequest request, LogDownloadTokenCodec tokens, Execution execution, string type, IReadOnlyList<string> names)
    {
        var expires = tokens.NextExpiry();
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}/api/logs/download/";
        var urls = names
            .Select(name => baseUrl + tokens.Create(
                new LogDownloadToken(execution.OrganizationId, execution.SyncId, execution.Id, type, name, expires)))
            .ToList();
        return new ExecutionLogUrlsResponse(urls, expires);
    }

    private static void RequireKnownType(string type)
    {
        if (!ExecutionLogTypes.IsKnown(type))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidField,
                $"type must be one of {string.Join(", ", ExecutionLogTypes.All)}, got \"{type}\"",
                "type",
                type);
        }
    }
}
