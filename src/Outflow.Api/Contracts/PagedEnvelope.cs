using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The envelope of paged lists: one page of items and the token of the next page, if any.</summary>
internal sealed record PagedEnvelope<T>(
    [property: JsonPropertyName("data")] IReadOnlyList<T> Data,
    [property: JsonPropertyName("pagination")] PaginationDetails Pagination);
