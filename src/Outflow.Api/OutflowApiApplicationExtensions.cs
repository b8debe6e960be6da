using Microsoft.AspNetCore.Http;
using Outflow.Api;
using Outflow.Api.Authentication;
using Outflow.Api.Dashboard;
using Outflow.Api.Endpoints;
using Outflow.Api.Errors;
using Outflow.Api.Idempotency;
using Outflow.Api.OpenApi;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the HTTP API's middleware and routes to the host.</summary>
public static class OutflowApiApplicationExtensions
{
    private const string ApiPrefix = "/api";

    /// <summary>
    /// Adds, for requests under <c>/api</c>, error handling and the API version check; ApiError bodies for the
    /// framework's bodiless errors, such as unmatched routes and methods, on every path; then the reference page at <c>/docs</c>, routing, API key authentication,
    /// for <c>/api</c> rate limiting and <c>Idempotency-Key</c> handling, every <c>/api</c> route and the OpenAPI
    /// document at <c>/openapi/v1.json</c>, and the dashboard at <c>/</c>. Routes outside <c>/api</c>, including the document, the reference
    /// page, the dashboard and those the host maps, need no authentication and have no rate limit.
    /// </summary>
    public static WebApplication UseOutflowApi(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(ApiPrefix),
            api =>
            {
                api.UseMiddleware<ErrorHandlingMiddleware>();
                api.UseMiddleware<ApiVersionMiddleware>();
            });

        // On every path, not only /api: Kestrel removes dot segments before routing, so /api/syncs/../.. arrives as
        // a path outside /api, and its 404 must still be an ApiError.
        app.UseStatusCodePages(context => WriteStatusErrorAsync(context.HttpContext));
        app.MapOutflowReference();
        app.UseRouting();
        app.UseAuthentication();

        // The limiter partitions by the authenticated key, so it follows authentication; it precedes idempotency
        // so that a rejected request claims no key. Endpoint errors are turned into responses inside the
        // idempotency middleware, by a second error handler, so that it can store them.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(ApiPrefix),
            api =>
            {
                api.UseRateLimiter();
                api.UseMiddleware<IdempotencyMiddleware>();
                api.UseMiddleware<ErrorHandlingMiddleware>();
            });
        app.UseAuthorization();

        var routes = app.MapGroup(ApiPrefix)
            .RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        routes.MapIdentityEndpoints();
        routes.MapConnectionEndpoints();
        routes.MapDiscoveryEndpoints();
        routes.MapModelEndpoints();
        routes.MapModelPreviewEndpoints();
        routes.MapJobEndpoints();
        routes.MapSyncEndpoints();
        routes.MapScheduleOptionEndpoints();
        routes.MapExecutionEndpoints();
        routes.MapExecutionConsoleLogEndpoints();
        routes.MapExecutionLogEndpoints();
        app.MapOutflowDashboard();
        return app;
    }

    /// <summary>Gives the framework's bodiless error responses (no route, wrong method, body not JSON) an ApiError body.</summary>
    private static Task WriteStatusErrorAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            // A body that is not JSON is a bad request like any other malformed body.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return ApiErrorWriter.WriteAsync(context, new ApiError
            {
                Status = StatusCodes.Status400BadRequest,
                Key = ApiErrorKeys.InvalidJson,
                Message = $"the request body must be JSON sent with Content-Type: application/json, got Content-Type \"{request.ContentType}\"",
            });
        }

        var status = context.Response.StatusCode;
        var (key, message) = status switch
        {
            StatusCodes.Status404NotFound => (ApiErrorKeys.NotFound, $"no API route matches {request.Method} {request.Path}"),
            StatusCodes.Status405MethodNotAllowed => (
                ApiErrorKeys.MethodNotAllowed,
                $"{request.Method} is not allowed on {request.Path}: see the Allow header for the methods it accepts"),
            _ => (ApiErrorKeys.InvalidJson, $"the request to {request.Path} could not be processed"),
        };
        return ApiErrorWriter.WriteAsync(context, new ApiError { Status = status, Key = key, Message = message });
    }
}
