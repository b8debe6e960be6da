using Microsoft.AspNetCore.Http;
using Outflow.Api.Errors;

namespace Outflow.Api;

/// <summary>
/// Checks <c>X-Polytomic-Version</c> and echoes the served version on every response. All known versions are
/// served by the same behaviour; an absent header means the newest.
/// </summary>
internal sealed class ApiVersionMiddleware
{
    public const string HeaderName = "X-Polytomic-Version";
    public const string DefaultVersion = "2025-09-18";

    internal static readonly string[] KnownVersions = ["2021-05-23", "2022-12-12", "2023-04-25", "2024-02-08", DefaultVersion];

    private readonly RequestDelegate _next;

    public ApiVersionMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var requested = context.Request.Headers[HeaderName].ToString().Trim();
        var version = requested.Length == 0 ? DefaultVersion : requested;
        var known = KnownVersions.Contains(version, StringComparer.Ordinal);
        var served = known ? version : DefaultVersion;

        // Set when the response starts, so that error responses, whose headers are cleared, carry it too.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = served;
            return Task.CompletedTask;
        });
        if (!known)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidApiVersion,
                $"API version {version} is not supported: send one of {string.Join(", ", KnownVersions)} or omit the header",
                HeaderName,
                version);
        }

        return _next(context);
    }
}
