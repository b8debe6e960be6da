using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;

namespace Outflow.Api.OpenApi;

/// <summary>
/// Describes routes in the OpenAPI document. The handlers return <see cref="IResult"/> and read their bodies and
/// most query parameters themselves, so the generator cannot infer these from the handler signatures.
/// </summary>
internal static class EndpointDocumentation
{
    private const string JsonMediaType = "application/json";

    /// <summary>Declares a 200 response of <c>{"data": T}</c>.</summary>
    public static RouteHandlerBuilder ProducesData<T>(this RouteHandlerBuilder builder) =>
        builder.Produces<DataEnvelope<T>>(StatusCodes.Status200OK, JsonMediaType);

    /// <summary>
    /// Declares a 200 response of a route that takes <c>async</c>: <c>{"data": T}</c>, or <c>{"job": JobResponse}</c>
    /// when the work runs in the background.
    /// </summary>
    public static RouteHandlerBuilder ProducesAsync<T>(this RouteHandlerBuilder builder) =>
        builder.Produces<AsyncEnvelope<T>>(StatusCodes.Status200OK, JsonMediaType);

    /// <summary>Declares a 200 response of <c>{"data": [T], "pagination": {"next_page_token": …}}</c>.</summary>
    public static RouteHandlerBuilder ProducesPage<T>(this RouteHandlerBuilder builder) =>
        builder.Produces<PagedEnvelope<T>>(StatusCodes.Status200OK, JsonMediaType);

    /// <summary>Declares a 200 response with an empty body, the response of every DELETE.</summary>
    public static RouteHandlerBuilder ProducesEmpty(this RouteHandlerBuilder builder) =>
        builder.Produces(StatusCodes.Status200OK);

    /// <summary>
    /// Declares an ApiError body for each status. 400, 401 and 500 are added to every <c>/api</c> route by
    /// <see cref="ApiOperationTransformer"/>, so routes list only the others.
    /// </summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ApiError>(status, JsonMediaType);
        }

        return builder;
    }

    /// <summary>Declares a JSON request body of type <typeparamref name="T"/>, and the 413 of bodies over the size limit.</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder, bool isOptional = false)
        where T : notnull =>
        builder
            .Accepts<T>(isOptional, JsonMediaType)
            .ProducesErrors(StatusCodes.Status413PayloadTooLarge);

    /// <summary>Lists an optional query parameter that the handler reads from the request itself.</summary>
    public static RouteHandlerBuilder WithQueryParameter(
        this RouteHandlerBuilder builder, string name, QueryParameterType type, string description) =>
        builder.WithMetadata(new QueryParameterMetadata(name, type, description));
}
