namespace Outflow.Core.Organizations;

/// <summary>Who created or last changed an object (the wire's <c>OutputActor</c>).</summary>
public sealed record Actor(Guid Id, string Name, string Type);
