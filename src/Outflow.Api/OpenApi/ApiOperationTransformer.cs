using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using Outflow.Api.Errors;

namespace Outflow.Api.OpenApi;

/// <summary>
/// Adds what every operation shares but the generator cannot see: the query parameters handlers read themselves,
/// and on <c>/api</c> routes the <c>X-Polytomic-Version</c> header, the API key security requirement and the
/// ApiError responses that the middleware returns on any route (400, 401, 500).
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly int[] SharedErrorStatuses =
    [
        StatusCodes.Status400BadRequest,
        StatusCodes.Status401Unauthorized,
        StatusCodes.Status500InternalServerError,
    ];

    public async Task TransformAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Parameters ??= [];
        foreach (var query in metadata.OfType<QueryParameterMetadata>())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = false,
                Description = query.Description,
                Schema = QuerySchema(query.Type),
            });
        }

        var path = context.Description.RelativePath ?? "";
        if (!path.StartsWith("api/", StringComparison.Ordinal))
        {
            return;
        }

        operation.Parameters.Add(VersionParameter());
        var document = context.Document ?? throw new InvalidOperationException("the OpenAPI operation has no document");
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiDocumentSetup.BearerScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiDocumentSetup.BasicScheme, document)] = [] },
            ];
        }

        await EnsureApiErrorSchemaAsync(context, document, cancellationToken);
        operation.Responses ??= [];
        foreach (var status in SharedErrorStatuses)
        {
            // A signed log download URL needs no key, so that route never answers 401.
            if (anonymous && status == StatusCodes.Status401Unauthorized)
            {
                continue;
            }

            var key = status.ToString(CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = ApiErrorResponse(status, document);
            }
        }

        foreach (var response in operation.Responses.Values.OfType<OpenApiResponse>())
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
            response.Headers[ApiVersionMiddleware.HeaderName] = new OpenApiHeader
            {
                Description = "The API version that served the request.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }
    }

    private static OpenApiSchema QuerySchema(QueryParameterType type) => type switch
    {
        QueryParameterType.Boolean => new OpenApiSchema { Type = JsonSchemaType.Boolean },
        QueryParameterType.Integer => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
        QueryParameterType.Uuid => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
        _ => new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiParameter VersionParameter() => new()
    {
        Name = ApiVersionMiddleware.HeaderName,
        In = ParameterLocation.Header,
        Required = false,
        Description = $"The API version the client was written for. All known versions are served alike; absent means {ApiVersionMiddleware.DefaultVersion}, and any other value gets 400 invalid_api_version.",
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = ApiVersionMiddleware.KnownVersions.Select(version => (JsonNode)JsonValue.Create(version)).ToList(),
            Default = JsonValue.Create(ApiVersionMiddleware.DefaultVersion),
        },
    };

    private static OpenApiResponse ApiErrorResponse(int status, OpenApiDocument document) => new()
    {
        Description = ReasonPhrases.GetReasonPhrase(status),
        Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(nameof(ApiError), document) },
        },
    };

    /// <summary>Registers the ApiError schema once, for routes that declare no error of their own.</summary>
    private static async Task EnsureApiErrorSchemaAsync(
        OpenApiOperationTransformerContext context, OpenApiDocument document, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas?.ContainsKey(nameof(ApiError)) == true)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(typeof(ApiError), null, cancellationToken);
        document.AddComponent(nameof(ApiError), schema);
    }
}
