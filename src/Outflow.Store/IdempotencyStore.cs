using Dapper;
using Outflow.Core.Idempotency;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>
/// Idempotency keys in the <c>idempotency_keys</c> table. A claim inserts with ON CONFLICT DO NOTHING inside a
/// write transaction, so of many concurrent claims of one key, in one process or several, exactly one inserts.
/// </summary>
internal sealed class IdempotencyStore : IIdempotencyStore
{
    private const string ScopeCondition =
        "organization_id = @OrganizationId AND api_key_id = @ApiKeyId AND idempotency_key = @Key";

    private readonly IStoreDatabase _database;

    public IdempotencyStore(IStoreDatabase database)
    {
        _database = database;
    }

    public async Task<IdempotencyClaim> ClaimAsync(
        IdempotencyScope scope, IdempotencyRecord record, DateTimeOffset now, DateTimeOffset leaseEnd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(record);
        var parameters = new
        {
            OrganizationId = StoreValues.ToText(scope.OrganizationId),
            ApiKeyId = StoreValues.ToText(scope.ApiKeyId),
            scope.Key,
            ClaimId = StoreValues.ToText(record.ClaimId),
            record.Method,
            record.Path,
            record.RequestHash,
            LeaseUntil = StoreValues.ToUnixMilliseconds(leaseEnd),
            ExpiresAt = StoreValues.ToUnixMilliseconds(record.ExpiresAt),
            Now = StoreValues.ToUnixMilliseconds(now),
        };
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        // An expired record no longer holds its key, and neither does a claim whose lease ended without a response,
        // because the process that ran the request stopped before it could store one.
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            DELETE FROM idempotency_keys
            WHERE {ScopeCondition} AND (expires_at <= @Now OR (response_status IS NULL AND lease_until <= @Now))
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO idempotency_keys
                (organization_id, api_key_id, idempotency_key, claim_id, method, path, request_hash, lease_until, expires_at)
            VALUES (@OrganizationId, @ApiKeyId, @Key, @ClaimId, @Method, @Path, @RequestHash, @LeaseUntil, @ExpiresAt)
            ON CONFLICT (organization_id, api_key_id, idempotency_key) DO NOTHING
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var row = await connection.QuerySingleAsync<IdempotencyKeyRow>(new CommandDefinition(
            $"""
            SELECT claim_id AS ClaimId, method AS Method, path AS Path, request_hash AS RequestHash,
                   expires_at AS ExpiresAt, response_status AS ResponseStatus, response_headers AS ResponseHeaders,
                   response_body AS ResponseBody
            FROM idempotency_keys
            WHERE {ScopeCondition}
            """,
            parameters,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var stored = ToRecord(row);
        return new IdempotencyClaim(stored.ClaimId == record.ClaimId, stored);
    }

    public async Task<bool> CompleteAsync(
        IdempotencyScope scope, Guid claimId, IdempotentResponse response, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(response);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE idempotency_keys
            SET response_status = @Status, response_headers = @Headers, response_body = @Body, expires_at = @ExpiresAt
            WHERE {ScopeCondition} AND claim_id = @ClaimId AND response_status IS NULL
            """,
            new
            {
                OrganizationId = StoreValues.ToText(scope.OrganizationId),
                ApiKeyId = StoreValues.ToText(scope.ApiKeyId),
                scope.Key,
                ClaimId = StoreValues.ToText(claimId),
                response.Status,
                Headers = StoreJson.Serialize(response.Headers),
                response.Body,
                ExpiresAt = StoreValues.ToUnixMilliseconds(expiresAt),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return updated == 1;
    }

    public async Task ReleaseAsync(IdempotencyScope scope, Guid claimId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM idempotency_keys WHERE {ScopeCondition} AND claim_id = @ClaimId AND response_status IS NULL",
            new
            {
                OrganizationId = StoreValues.ToText(scope.OrganizationId),
                ApiKeyId = StoreValues.ToText(scope.ApiKeyId),
                scope.Key,
                ClaimId = StoreValues.ToText(claimId),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_keys WHERE expires_at <= @Now",
            new { Now = StoreValues.ToUnixMilliseconds(now) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static IdempotencyRecord ToRecord(IdempotencyKeyRow row) => new()
    {
        ClaimId = StoreValues.ToGuid(row.ClaimId),
        Method = row.Method,
        Path = row.Path,
        RequestHash = row.RequestHash,
        ExpiresAt = StoreValues.ToInstant(row.ExpiresAt),
        Response = row.ResponseStatus is long status
            ? new IdempotentResponse(
                checked((int)status),
                StoreJson.Deserialize<Dictionary<string, string>>(row.ResponseHeaders ?? "{}", "idempotency_keys.response_headers"),
                row.ResponseBody ?? [])
            : null,
    };
}
