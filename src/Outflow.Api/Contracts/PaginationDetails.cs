using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>Paging state of a list response; <c>next_page_token</c> is absent on the last page.</summary>
internal sealed record PaginationDetails([property: JsonPropertyName("next_page_token")] string? NextPageToken);
