using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>Sample rows of a model (<c>ModelSample</c>).</summary>
internal sealed record ModelSampleResponse
{
    /// <summary>
    /// One <c>SampleRecord</c> per row: the model id maps to the row's fields by name. Values are JSON as record logs
    /// write them: numbers as numbers, dates and times as ISO 8601 strings, binaries as base64.
    /// </summary>
    [JsonPropertyName("records")]
    public required IReadOnlyList<JsonObject> Records { get; init; }

    [JsonPropertyName("warnings")]
    public required IReadOnlyList<string> Warnings { get; init; }
}
