using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>The <c>{"data": …}</c> envelope of single objects and unpaged lists.</summary>
internal sealed record DataEnvelope<T>([property: JsonPropertyName("data")] T Data);
