namespace Outflow.Api.OpenApi;

/// <summary>
/// A query parameter that a handler reads from the request itself rather than through a bound argument, so that
/// the OpenAPI document can still list it. Attached with <see cref="EndpointDocumentation.WithQueryParameter"/>.
/// </summary>
internal sealed record QueryParameterMetadata(string Name, QueryParameterType Type, string Description);
