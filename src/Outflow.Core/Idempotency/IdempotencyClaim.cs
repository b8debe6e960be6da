namespace Outflow.Core.Idempotency;

/// <summary>
/// A request's attempt to claim an idempotency key. <see cref="Record"/> is the claim it inserted, or the
/// record of the request that claimed the key first.
/// </summary>
public sealed record IdempotencyClaim(bool IsNew, IdempotencyRecord Record);
