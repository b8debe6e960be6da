using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Outflow.Api.Dashboard;

/// <summary>
/// The web dashboard: static HTML, CSS and JavaScript modules embedded in this assembly, served at <c>/</c> and
/// <c>/dashboard/{file}</c> without an API key. The page contains no data, because its scripts read everything
/// from the <c>/api</c> routes with the key that the user enters.
/// </summary>
internal static class DashboardEndpoints
{
    public const string AssetPrefix = "/dashboard/";

    private const string ResourcePrefix = "Outflow.Api.Dashboard.wwwroot.";
    private const string IndexFile = "index.html";

    // Scripts and styles only from this origin, so no inline script runs even if data ever reached the markup.
    // connect-src covers the API calls and the signed log URLs, and frame-ancestors keeps the page out of frames.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, DashboardFile>> Files = new(LoadFiles);

    public static void MapOutflowDashboard(this IEndpointRouteBuilder app)
    {
        // GET only: a HEAD request could not carry the ApiError body that every other 4xx of the server has.
        app.MapGet("/", context => ServeAsync(context, IndexFile)).ExcludeFromDescription();
        app.MapGet(AssetPrefix + "{file}", context => ServeAsync(context, (string)context.Request.RouteValues["file"]!))
            .ExcludeFromDescription();
    }

    private static Task ServeAsync(HttpContext context, string name)
    {
        var response = context.Response;
        if (!Files.Value.TryGetValue(name, out var file))
        {
            // The status code pages middleware gives this 404 its ApiError body.
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        // Revalidate on every load, so that a browser never mixes files of two server versions; the ETag makes
        // an unchanged file a bodiless 304.
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(file.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        return response.Body.WriteAsync(file.Content, context.RequestAborted).AsTask();
    }

    /// <summary>Reads every embedded dashboard file once; only these names are ever served, never a path on disk.</summary>
    private static FrozenDictionary<string, DashboardFile> LoadFiles()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"").ToString();
            files[name] = new DashboardFile(content, contentType, etag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record DashboardFile(byte[] Content, string ContentType, string ETag);
}
