using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Outflow.Api.Json;
using Outflow.Core;

namespace Outflow.Api.Errors;

/// <summary>
/// Turns exceptions into <c>ApiError</c> responses: the API's own and Core's errors keep their status and key,
/// anything else is logged and returned as a generic 500 that reveals nothing about the server.
/// </summary>
internal sealed class ErrorHandlingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ErrorHandlingMiddleware> _logger;

    public ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        catch (ApiException exception) when (!context.Response.HasStarted)
        {
            await ApiErrorWriter.WriteAsync(context, exception);
        }
        catch (OutflowException exception) when (!context.Response.HasStarted)
        {
            await ApiErrorWriter.WriteAsync(context, ApiErrorWriter.ToApiException(exception));
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            // Kestrel and the framework raise this for unreadable requests, e.g. a body larger than the limit.
            await ApiErrorWriter.WriteAsync(
                context,
                new ApiException(
                    exception.StatusCode,
                    exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? ApiErrorKeys.RequestTooLarge : ApiErrorKeys.InvalidJson,
                    $"the request could not be read: {exception.Message}"));
        }
        catch (JsonException exception) when (!context.Response.HasStarted)
        {
            await ApiErrorWriter.WriteAsync(context, RequestJson.ToApiException(exception));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected, so no response can be sent.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            Log.UnhandledException(_logger, context.Request.Method, context.Request.Path, exception);
            context.Response.Clear();
            await ApiErrorWriter.WriteAsync(
                context,
                new ApiError
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Key = ApiErrorKeys.InternalError,
                    Message = "the server failed to process the request; the error is in the server log, retry later",
                });
        }
    }
}
