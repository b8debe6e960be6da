using Microsoft.AspNetCore.Http;
using Outflow.Api.Contracts;
using Outflow.Api.Json;
using Outflow.Core.Jobs;

namespace Outflow.Api.Endpoints;

/// <summary>Success responses in the API's envelopes, serialized with <see cref="ApiJson.Options"/>.</summary>
internal static class ApiResults
{
    public static IResult Data<T>(T value) => Results.Json(new DataEnvelope<T>(value), ApiJson.Options);

    /// <summary>The response of an <c>async=true</c> request: <c>{"job": …}</c> without <c>data</c>.</summary>
    public static IResult Job(Job job) => Results.Json(new AsyncEnvelope<object> { Job = JobEndpoints.ToResponse(job) }, ApiJson.Options);

    public static IResult Page<T>(IReadOnlyList<T> items, string? nextPageToken) =>
        Results.Json(new PagedEnvelope<T>(items, new PaginationDetails(nextPageToken)), ApiJson.Options);

    /// <summary>A 200 with an empty body, the response of every DELETE.</summary>
    public static IResult Empty() => Results.Ok();
}
