using System.Text.Json.Serialization;
using Outflow.Core.Executions;

namespace Outflow.Api.Contracts;

/// <summary>The record tallies of an execution (<c>ExecutionCounts</c>).</summary>
internal sealed record ExecutionCountsResponse(
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("insert")] long Insert,
    [property: JsonPropertyName("update")] long Update,
    [property: JsonPropertyName("upserts")] long Upserts,
    [property: JsonPropertyName("delete")] long Delete,
    [property: JsonPropertyName("error")] long Error,
    [property: JsonPropertyName("warnings")] long Warnings)
{
    public static ExecutionCountsResponse From(ExecutionCounts counts) => new(
        counts.Total, counts.Insert, counts.Update, counts.Upserts, counts.Delete, counts.Error, counts.Warnings);
}
