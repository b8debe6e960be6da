namespace Outflow.Core.Idempotency;

/// <summary>
/// The stored state of one idempotency key: which request claimed it, identified by method, path and a hash
/// of the query and body, and the response once that request completed.
/// </summary>
public sealed record IdempotencyRecord
{
    /// <summary>An id the claiming request chose, so that only it can complete or release the claim.</summary>
    public required Guid ClaimId { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    /// <summary>SHA-256 over method, path, query string and body; equal hashes mean the same request.</summary>
    public required byte[] RequestHash { get; init; }

    /// <summary>The stored response; null while the claiming request is still running.</summary>
    public IdempotentResponse? Response { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}
