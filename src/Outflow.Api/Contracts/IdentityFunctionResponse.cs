using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>An identity function a target field supports (<c>IdentityFunction</c>); <see cref="Id"/> is a <c>SchemaIdentityFunction</c> value.</summary>
internal sealed record IdentityFunctionResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("label")] string Label);
