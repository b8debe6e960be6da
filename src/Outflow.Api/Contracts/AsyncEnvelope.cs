using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The envelope of routes that take <c>async</c> (<c>ModelResponseEnvelope</c>, <c>ModelSampleResponseEnvelope</c>):
/// <c>data</c> when the work ran inline, <c>job</c> alone when it runs in the background.
/// </summary>
internal sealed record AsyncEnvelope<T>
{
    [JsonPropertyName("data")]
    public T? Data { get; init; }

    [JsonPropertyName("job")]
    public JobResponse? Job { get; init; }
}
