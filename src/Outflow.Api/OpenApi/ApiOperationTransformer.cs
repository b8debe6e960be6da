using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using Outflow.Api.Errors;
using Outflow.Api.Idempotency;

namespace Outflow.Api.OpenApi;

/// <summary>
/// Adds what every operation shares but the generator cannot see: the query parameters handlers read themselves,
/// and on <c>/api</c> routes the <c>X-Polytomic-Version</c> header, the API key security requirement and the
/// ApiError responses that the middleware returns on any route (400, 401, 429 with <c>Retry-After</c>, 500); on
/// POST, PUT and DELETE also the <c>Idempotency-Key</c> header and its 409 and 422 responses.
/// </summary>
internal sealed class ApiOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly int[] SharedErrorStatuses =
    [
        StatusCodes.Status400BadRequest,
        StatusCodes.Status401Unauthorized,
        StatusCodes.Status429TooManyRequests,
        StatusCodes.Status500InternalServerError,
    ];

    private static readonly int[] IdempotencyErrorStatuses =
    [
        StatusCodes.Status409Conflict,
        StatusCodes.Status422UnprocessableEntity,
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

        var method = context.Description.HttpMethod ?? "";
        var mutating = HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);
        if (mutating)
        {
            operation.Parameters.Add(IdempotencyKeyParameter());
        }

        await EnsureApiErrorSchemaAsync(context, document, cancellationToken);
        operation.Responses ??= [];
        foreach (var status in mutating ? SharedErrorStatuses.Concat(IdempotencyErrorStatuses) : SharedErrorStatuses)
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

        if (operation.Responses.TryGetValue("429", out var tooMany) && tooMany is OpenApiResponse tooManyResponse)
        {
            tooManyResponse.Description = "Too many requests for this API key; retry after the seconds in Retry-After.";
            tooManyResponse.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
            tooManyResponse.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before the next request with this API key.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
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

    private static OpenApiParameter IdempotencyKeyParameter() => new()
    {
        Name = IdempotencyMiddleware.HeaderName,
        In = ParameterLocation.Header,
        Required = false,
        Description = "Makes the request safe to retry: 8 to 255 characters from A-Z, a-z, 0-9, - and _. A repeat with the same key from the same API key "
            + "gets the first response again (with Idempotent-Replayed: true) for 24 hours by default, 409 idempotency_key_in_use while the first still runs, "
            + "and 422 idempotency_key_reused when its method, path, query or body differ. Responses with status 409, 429 or 5xx are not stored.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 8, MaxLength = 255, Pattern = "^[A-Za-z0-9_-]+$" },
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
