namespace Outflow.Core.Idempotency;

/// <summary>
/// Idempotency keys and the responses stored for them, shared by every API process on one store. A request
/// claims its key before it runs, then completes the claim with its response or releases it.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Inserts <paramref name="record"/> as a new in-flight claim unless the scope already has a record, and
    /// returns the record that owns the key afterwards. A record that expired, or an in-flight claim whose
    /// lease ended before <paramref name="now"/> (its process died), is replaced. Concurrent claims of one
    /// scope, from any process, yield exactly one new claim.
    /// </summary>
    Task<IdempotencyClaim> ClaimAsync(
        IdempotencyScope scope, IdempotencyRecord record, DateTimeOffset now, DateTimeOffset leaseEnd, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the response of the claim <paramref name="claimId"/> and keeps it until <paramref name="expiresAt"/>.
    /// Returns false when the claim no longer owns the key, because its lease ended and another request took it over.
    /// </summary>
    Task<bool> CompleteAsync(
        IdempotencyScope scope, Guid claimId, IdempotentResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes the in-flight claim <paramref name="claimId"/>, so that a retry with the key runs the request again.</summary>
    Task ReleaseAsync(IdempotencyScope scope, Guid claimId, CancellationToken cancellationToken);

    /// <summary>Deletes every record whose expiry is at or before <paramref name="now"/>; returns how many it deleted.</summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
