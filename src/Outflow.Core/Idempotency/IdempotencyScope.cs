namespace Outflow.Core.Idempotency;

/// <summary>
/// The identity of one <c>Idempotency-Key</c>: the key string as the caller sent it, scoped to the API key
/// that sent it and that key's organization, so that two callers never share a stored response.
/// </summary>
public sealed record IdempotencyScope(Guid OrganizationId, Guid ApiKeyId, string Key);
