namespace Outflow.Core.Idempotency;

/// <summary>A stored HTTP response: status code, the headers worth replaying, and the body bytes.</summary>
public sealed record IdempotentResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);
