using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Outflow.Api.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, generated from the mapped routes, and the Swagger UI
/// reference page at <c>/docs</c>, whose scripts and styles are served from this assembly.
/// </summary>
internal static class OpenApiDocumentSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";
    public const string ReferencePath = "docs";

    /// <summary>The security scheme names Polytomic's own OpenAPI definition uses.</summary>
    public const string BearerScheme = "bearerUserAPIKey";
    public const string BasicScheme = "orgScopedAPIKey";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Identity", "The caller behind an API key."),
        ("Connections", "Connection types, and connections to the databases and services that models read and syncs write."),
        ("Models", "SQL queries or tables on a source connection, whose columns become the fields syncs map from."),
        ("Syncs", "Model syncs: which model fields go to which target fields, in which mode, on which schedule."),
        ("Executions", "Runs of a sync, with their status and counts."),
        ("Logs", "The record log files of an execution, downloaded through short-lived signed URLs."),
        ("Health", "Liveness and readiness checks for load balancers; no API key needed."),
    ];

    public static IServiceCollection AddOutflowOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer<ApiOperationTransformer>();
            options.AddSchemaTransformer<WireSchemaTransformer>();
        });

    /// <summary>Maps the document and the reference page. Neither needs an API key, because they contain no data.</summary>
    public static void MapOutflowReference(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).ExcludeFromDescription();
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = ReferencePath;
            options.DocumentTitle = "Outflow API reference";

            // Relative, so that the page still finds the document when a reverse proxy adds a path prefix.
            options.SwaggerEndpoint(".." + DocumentPath, "Outflow API");

            // The page must work without network access, so Swagger UI's online validator stays off. Swashbuckle
            // 11.0.1 leaves it off by default too, and this setting keeps it off if a later version changes that.
            options.EnableValidator(null);
            options.DisplayOperationId();
        });
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Outflow API",
            Version = ApiVersionMiddleware.DefaultVersion,
            Description =
                "Outflow serves Polytomic's model-sync API: the same paths, JSON property names, enum values, envelopes "
                + "and error bodies, so that scripts written for Polytomic can point at it. Every route under /api needs an API key, sent "
                + "as `Authorization: Bearer <key>` or with HTTP Basic (the key as user name or as password), except "
                + "the signed log download URLs. Every error body is an ApiError.",
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Bearer user API key: `Authorization: Bearer <api key>`. Every Polytomic SDK sends this.",
        };
        document.Components.SecuritySchemes[BasicScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description =
                "Basic organization-scoped API key: HTTP Basic with the key as the user name and an empty password, "
                + "or as the password with any user name.",
        };

        document.Tags = new HashSet<OpenApiTag>(
            Tags.Select(tag => new OpenApiTag { Name = tag.Name, Description = tag.Description }));
    }
}
