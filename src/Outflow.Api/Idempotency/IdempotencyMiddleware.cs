using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Outflow.Api.Authentication;
using Outflow.Api.Errors;
using Outflow.Core.Idempotency;

namespace Outflow.Api.Idempotency;

/// <summary>
/// Makes POST, PUT and DELETE requests that carry an <c>Idempotency-Key</c> header safe to retry. The first
/// request with a key claims it in the store and runs. Its response is stored and replayed, byte for byte, to
/// every later request with that key from the same API key. A repeat that arrives while the first still runs
/// gets 409, and a key reused for a different method, path, query or body gets 422. Responses with status
/// 409, 429 or 5xx report a passing state or a failure, so they are not stored and a retry runs the request again.
/// </summary>
internal sealed class IdempotencyMiddleware
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on a response replayed from the store.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    private const int MinKeyLength = 8;
    private const int MaxKeyLength = 255;

    private static readonly string[] StoredHeaders = [HeaderNames.ContentType, HeaderNames.Location];

    private readonly RequestDelegate _next;
    private readonly IIdempotencyStore _store;
    private readonly IdempotencyOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<IdempotencyMiddleware> _logger;

    public IdempotencyMiddleware(
        RequestDelegate next,
        IIdempotencyStore store,
        IdempotencyOptions options,
        TimeProvider timeProvider,
        ILogger<IdempotencyMiddleware> logger)
    {
        _next = next;
        _store = store;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var applies = (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method))
            && request.Headers.ContainsKey(HeaderName)
            && context.GetEndpoint() is not null
            && context.User.Identity?.IsAuthenticated == true;
        if (!applies)
        {
            await _next(context);
            return;
        }

        var key = ReadKey(request);
        var principal = context.GetApiPrincipal();
        var scope = new IdempotencyScope(principal.Organization.Id, principal.KeyId, key);
        var now = _timeProvider.GetUtcNow();
        var record = new IdempotencyRecord
        {
            ClaimId = Guid.NewGuid(),
            Method = request.Method,
            Path = request.Path.Value ?? "",
            RequestHash = await HashRequestAsync(request, context.RequestAborted),
            ExpiresAt = now + _options.KeyLifetime,
        };
        var claim = await _store.ClaimAsync(scope, record, now, now + _options.ClaimLease, context.RequestAborted);
        if (!claim.IsNew)
        {
            await RespondToRepeatAsync(context, key, record, claim.Record);
            return;
        }

        await RunAndStoreAsync(context, scope, record);
    }

    private static string ReadKey(HttpRequest request)
    {
        var values = request.Headers[HeaderName];
        var key = values.Count == 1 ? values[0] ?? "" : "";
        var valid = key.Length is >= MinKeyLength and <= MaxKeyLength && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        if (!valid)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidIdempotencyKey,
                $"the {HeaderName} header must be one value of {MinKeyLength} to {MaxKeyLength} characters from A-Z, a-z, 0-9, - and _, "
                + "such as a UUID: send a valid key or omit the header",
                HeaderName,
                values.Count == 1 && key.Length <= MaxKeyLength ? key : null);
        }

        return key;
    }

    /// <summary>Hashes the method, path, query string and body, so that a key reused for another request is detected.</summary>
    private static async Task<byte[]> HashRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path.Value}\n{request.QueryString.Value}\n"));

        // The endpoint reads the body again after this, so it is buffered (in memory, or on disk when large).
        request.EnableBuffering();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }

    private static async Task RespondToRepeatAsync(HttpContext context, string key, IdempotencyRecord repeat, IdempotencyRecord first)
    {
        if (!string.Equals(first.Method, repeat.Method, StringComparison.Ordinal) || !string.Equals(first.Path, repeat.Path, StringComparison.Ordinal))
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.IdempotencyKeyReused,
                $"{HeaderName} {key} was already used for {first.Method} {first.Path}: send a new key for each different request",
                HeaderName,
                key);
        }

        if (!CryptographicOperations.FixedTimeEquals(first.RequestHash, repeat.RequestHash))
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.IdempotencyKeyReused,
                $"{HeaderName} {key} was already used for {first.Method} {first.Path} with a different body or query string: "
                + "send a new key for each different request",
                HeaderName,
                key);
        }

        if (first.Response is not { } response)
        {
            // Clients retry 409, so this response must be cheap and change nothing.
            context.Response.Headers.RetryAfter = "1";
            await ApiErrorWriter.WriteAsync(
                context,
                new ApiException(
                    StatusCodes.Status409Conflict,
                    ApiErrorKeys.IdempotencyKeyInUse,
                    $"a request with {HeaderName} {key} is still running: retry in a moment to get its response",
                    HeaderName,
                    key));
            return;
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers[ReplayedHeaderName] = "true";
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    private async Task RunAndStoreAsync(HttpContext context, IdempotencyScope scope, IdempotencyRecord record)
    {
        var original = context.Response.Body;
        using var capture = new ResponseCaptureStream(original, _options.MaxStoredResponseBytes);
        context.Response.Body = capture;
        try
        {
            await _next(context);
        }
        catch
        {
            // The request failed without a response to replay, so a retry must be able to run it again.
            await ReleaseAsync(scope, record);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }

        var status = context.Response.StatusCode;
        if (status >= StatusCodes.Status500InternalServerError || status is StatusCodes.Status409Conflict or StatusCodes.Status429TooManyRequests)
        {
            await ReleaseAsync(scope, record);
            return;
        }

        if (context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            // The client left before a response was written, so there is none to store.
            await ReleaseAsync(scope, record);
            return;
        }

        if (capture.Overflowed)
        {
            // NOTE: a retry with this key runs the request again, so a create repeated this way makes a second object.
            Log.IdempotentResponseTooLarge(_logger, record.Method, record.Path, _options.MaxStoredResponseBytes);
            await ReleaseAsync(scope, record);
            return;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in StoredHeaders)
        {
            if (context.Response.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value.ToString();
            }
        }

        var response = new IdempotentResponse(status, headers, capture.ToArray());
        try
        {
            // The client may have left, but the outcome must still be stored for its retry.
            var stored = await _store.CompleteAsync(
                scope, record.ClaimId, response, _timeProvider.GetUtcNow() + _options.KeyLifetime, CancellationToken.None);
            if (!stored)
            {
                Log.IdempotencyClaimLost(_logger, record.Method, record.Path, _options.ClaimLease.TotalSeconds);
            }
        }
        catch (Exception exception) when (context.Response.HasStarted)
        {
            // The response is already on its way; a retry gets 409 until the claim's lease ends, then runs again.
            Log.IdempotentResponseNotStored(_logger, record.Method, record.Path, exception);
        }
    }

    private async Task ReleaseAsync(IdempotencyScope scope, IdempotencyRecord record)
    {
        try
        {
            await _store.ReleaseAsync(scope, record.ClaimId, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The claim then blocks retries with 409 until its lease ends.
            Log.IdempotencyReleaseFailed(_logger, record.Method, record.Path, _options.ClaimLease.TotalSeconds, exception);
        }
    }
}
