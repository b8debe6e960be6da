using System.Text.Json.Serialization;
using Outflow.Core.Organizations;

namespace Outflow.Api.Contracts;

/// <summary>The wire form of <see cref="Actor"/> (<c>OutputActor</c>).</summary>
internal sealed record ActorResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type)
{
    public static ActorResponse From(Actor actor) => new(actor.Id, actor.Name, actor.Type);
}
