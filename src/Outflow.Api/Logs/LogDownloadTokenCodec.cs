using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Outflow.Api.Errors;
using Outflow.Core.Security;

namespace Outflow.Api.Logs;

/// <summary>
/// Creates and verifies the tokens of signed log download URLs. A token is base64url of a small JSON payload
/// (organization, sync, execution, log type, file name and expiry) followed by its HMAC-SHA256. The key is
/// derived from the master key for this purpose only. Every failure is a 403 ApiError.
/// </summary>
internal sealed class LogDownloadTokenCodec
{
    private const int MacLength = 32;

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public LogDownloadTokenCodec(MasterKey masterKey, TimeProvider time, LogDownloadOptions options)
    {
        if (options.UrlLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.UrlLifetime, "the log URL lifetime must be positive; set it to a number of seconds above 0");
        }

        _key = masterKey.DeriveKey("log-download-urls");
        _time = time;
        _lifetime = options.UrlLifetime;
    }

    /// <summary>
    /// Returns when URLs issued now expire. It is rounded up to whole seconds, because API timestamps have
    /// second precision and the <c>expires</c> a client sees must be the instant the token enforces.
    /// </summary>
    public DateTimeOffset NextExpiry()
    {
        var milliseconds = (_time.GetUtcNow() + _lifetime).ToUnixTimeMilliseconds();
        var seconds = (milliseconds + 999) / 1000;
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    public string Create(LogDownloadToken token)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload
        {
            OrganizationId = token.OrganizationId,
            SyncId = token.SyncId,
            ExecutionId = token.ExecutionId,
            Type = token.Type,
            FileName = token.FileName,
            Expires = token.Expires.ToUnixTimeSeconds(),
        });
        var bytes = new byte[payload.Length + MacLength];
        payload.CopyTo(bytes, 0);
        HMACSHA256.HashData(_key, payload, bytes.AsSpan(payload.Length));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Returns what a token grants after checking its MAC and expiry.</summary>
    /// <exception cref="ApiException">403: the token was altered, truncated or signed by another key, or it expired.</exception>
    public LogDownloadToken Read(string token)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        // The decoder skips whitespace and accepts padding, so other strings decode to the same bytes. Only the exact
        // string this server issued is valid.
        if (bytes.Length <= MacLength || !string.Equals(Base64Url.EncodeToString(bytes), token, StringComparison.Ordinal))
        {
            throw Invalid();
        }

        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(_key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacLength)))
        {
            throw Invalid();
        }

        // The MAC matched, so this server wrote the payload, and a parse failure would be a bug rather than an attack.
        var decoded = JsonSerializer.Deserialize<Payload>(payload) ?? throw Invalid();
        var expires = DateTimeOffset.FromUnixTimeSeconds(decoded.Expires);
        if (_time.GetUtcNow() >= expires)
        {
            throw new ApiException(
                StatusCodes.Status403Forbidden,
                ApiErrorKeys.DownloadExpired,
                $"this log download URL expired at {expires:yyyy-MM-ddTHH:mm:ssZ}: request new URLs from the execution's log routes",
                "token");
        }

        return new LogDownloadToken(
            decoded.OrganizationId, decoded.SyncId, decoded.ExecutionId, decoded.Type, decoded.FileName, expires);
    }

    private static ApiException Invalid() => new(
        StatusCodes.Status403Forbidden,
        ApiErrorKeys.InvalidDownloadToken,
        "this log download URL is not valid: it was altered, truncated, or signed by another server; request new URLs from the execution's log routes",
        "token");

    private sealed record Payload
    {
        [JsonPropertyName("o")]
        public required Guid OrganizationId { get; init; }

        [JsonPropertyName("s")]
        public required Guid SyncId { get; init; }

        [JsonPropertyName("e")]
        public required Guid ExecutionId { get; init; }

        [JsonPropertyName("t")]
        public required string Type { get; init; }

        [JsonPropertyName("n")]
        public required string FileName { get; init; }

        [JsonPropertyName("x")]
        public required long Expires { get; init; }
    }
}
