using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Outflow.Api.Errors;
using Outflow.Core;
using Outflow.Core.Security;

namespace Outflow.Api.Paging;

/// <summary>
/// Creates and verifies opaque page tokens: base64url of a small JSON payload (scope and keyset position)
/// followed by its HMAC-SHA256 under a key derived from the master key. Tokens carry no expiry, so they stay
/// valid across restarts as long as the master key does.
/// </summary>
internal sealed class PageTokenCodec
{
    private const int MacLength = 32;

    private readonly byte[] _key;

    public PageTokenCodec(MasterKey masterKey)
    {
        _key = masterKey.DeriveKey("page-tokens");
    }

    public string Create(PageTokenScope scope, ListCursor cursor)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload
        {
            Kind = scope.Kind,
            OrganizationId = scope.OrganizationId,
            ParentId = scope.ParentId,
            Filter = scope.Filter,
            SortKey = cursor.SortKey,
            Id = cursor.Id,
        });
        var token = new byte[payload.Length + MacLength];
        payload.CopyTo(token, 0);
        HMACSHA256.HashData(_key, payload, token.AsSpan(payload.Length));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>Returns the position a token encodes after checking its MAC and its scope.</summary>
    /// <exception cref="ApiException">The token was altered, truncated, or issued for another list or filter set.</exception>
    public ListCursor Read(string token, PageTokenScope scope)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw Invalid(token);
        }

        // The decoder skips whitespace and accepts padding, so other strings decode to the same bytes. Only the exact
        // string this server issued is valid.
        if (bytes.Length <= MacLength || !string.Equals(Base64Url.EncodeToString(bytes), token, StringComparison.Ordinal))
        {
            throw Invalid(token);
        }

        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(_key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacLength)))
        {
            throw Invalid(token);
        }

        var decoded = JsonSerializer.Deserialize<Payload>(payload);
        if (decoded is null
            || !string.Equals(decoded.Kind, scope.Kind, StringComparison.Ordinal)
            || decoded.OrganizationId != scope.OrganizationId
            || decoded.ParentId != scope.ParentId
            || !string.Equals(decoded.Filter, scope.Filter, StringComparison.Ordinal))
        {
            throw Invalid(token);
        }

        return new ListCursor(decoded.SortKey, decoded.Id);
    }

    private static ApiException Invalid(string token) => ApiException.BadRequest(
        ApiErrorKeys.InvalidPageToken,
        "page_token is not valid for this list: it was altered, truncated, or issued with other filters; start again without page_token",
        "page_token",
        token);

    private sealed record Payload
    {
        [JsonPropertyName("k")]
        public required string Kind { get; init; }

        [JsonPropertyName("o")]
        public required Guid OrganizationId { get; init; }

        [JsonPropertyName("p")]
        public Guid? ParentId { get; init; }

        [JsonPropertyName("f")]
        public required string Filter { get; init; }

        [JsonPropertyName("s")]
        public required long SortKey { get; init; }

        [JsonPropertyName("i")]
        public required Guid Id { get; init; }
    }
}
