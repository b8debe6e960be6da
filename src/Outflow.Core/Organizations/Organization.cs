namespace Outflow.Core.Organizations;

public sealed record Organization(Guid Id, string Name, DateTimeOffset CreatedAt);
