using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Connectors.Webhook;

/// <summary>
/// Sends records as JSON batches to a webhook URL, one POST per <see cref="WebhookSettings.BatchSize"/> records.
/// Failures that a retry may fix (timeouts, lost connections, 429, 5xx) are retried here. A batch that still fails,
/// or that the receiver rejects with another status, fails its records instead of throwing. The engine then records
/// them as errors, and the next execution sends them again.
/// </summary>
internal sealed class WebhookTargetConnector(
    WebhookSettings settings,
    HttpMessageHandler handler,
    WebhookRateLimiters limiters,
    WebhookRetryPolicy policy,
    TimeProvider time,
    ILogger logger) : ITargetConnector
{
    /// <summary>The only object a webhook offers in its list; any other object id is accepted as well.</summary>
    public const string RecordsObjectId = "records";

    /// <summary>The default of <see cref="MaxResponseBytes"/>: 16 MiB, large enough for a result list of 10,000 records.</summary>
    public const int DefaultMaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>Bytes of an error response read for its message; the message shows only the first 300 characters.</summary>
    private const int MaxErrorResponseBytes = 64 * 1024;

    private static readonly IReadOnlyList<SyncMode> Modes =
        [SyncMode.Create, SyncMode.Update, SyncMode.UpdateOrCreate, SyncMode.Remove, SyncMode.Append];

    private readonly HttpClient _client = new(handler, disposeHandler: false)
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private int _batchNumber;

    /// <summary>
    /// The largest 2xx response body read for per-record results. A larger body still confirms the batch, but
    /// without per-record results.
    /// </summary>
    public int MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;

    private string Host => settings.Url.Authority;

    public Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TargetObjectInfo>>([Describe(RecordsObjectId)]);

    public Task<TargetObjectInfo?> DescribeObjectAsync(string objectId, CancellationToken cancellationToken) =>
        Task.FromResult<TargetObjectInfo?>(string.IsNullOrWhiteSpace(objectId) ? null : Describe(objectId));

    public int PreferredBatchSize => settings.BatchSize;

    public async Task<IReadOnlyList<RecordResult>> WriteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var results = new List<RecordResult>(batch.Records.Count);
        for (var start = 0; start < batch.Records.Count; start += settings.BatchSize)
        {
            var count = Math.Min(settings.BatchSize, batch.Records.Count - start);
            var records = batch.Records.Skip(start).Take(count).ToList();
            var batchNumber = Interlocked.Increment(ref _batchNumber);
            var body = WebhookBatchBody.Create(batch.ExecutionId, batch.ObjectId, batchNumber, batch.Fields, records);
            results.AddRange(await SendAsync(batch, batchNumber, records, body, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Returns false for every identity, because a webhook cannot be asked which records it has; a dry run therefore
    /// predicts an insert for every record.
    /// </summary>
    public Task<IReadOnlyList<bool>> ContainsAsync(
        string objectId, string identityField, IReadOnlyList<object> identities, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<bool>>(identities.Select(_ => false).ToList());

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static TargetObjectInfo Describe(string objectId) =>
        new(objectId, objectId, [], Modes) { AcceptsAnyField = true };

    private async Task<IReadOnlyList<RecordResult>> SendAsync(
        WriteBatch batch, int batchNumber, List<TargetRecord> records, WebhookBatchBody body, CancellationToken cancellationToken)
    {
        var objectId = batch.ObjectId;
        var firstAttempt = time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            // An unlimited connection goes through the limiter too, so that limited connections to the URL count its requests.
            await limiters.WaitAsync(settings.Url, settings.MaxRequestsPerSecond, cancellationToken).ConfigureAwait(false);

            var outcome = await AttemptAsync(body, cancellationToken).ConfigureAwait(false);
            if (outcome.Results is { } json)
            {
                if (outcome.IsTooLarge)
                {
                    Log.ResponseTooLarge(logger, Host, objectId, batchNumber, MaxResponseBytes);
                }

                return ReadResults(objectId, batchNumber, records, json);
            }

            if (!outcome.IsRetryable)
            {
                return FailAll(objectId, batchNumber, records, outcome.Error);
            }

            if (attempt >= policy.MaxAttempts)
            {
                return FailAll(objectId, batchNumber, records, $"{outcome.Error}, and it still failed after {attempt} attempts");
            }

            var delay = outcome.RetryAfter ?? policy.Backoff(attempt);
            if (time.GetUtcNow() - firstAttempt + delay > policy.MaxElapsed)
            {
                return FailAll(
                    objectId, batchNumber, records,
                    $"{outcome.Error}, and waiting {delay.TotalSeconds:0.#} s more would exceed the {policy.MaxElapsed.TotalSeconds:0} s allowed per batch");
            }

            Log.BatchRetried(logger, Host, objectId, batchNumber, (long)delay.TotalMilliseconds, attempt, policy.MaxAttempts, outcome.Error);
            if (batch.RetryReporter is { } report)
            {
                var retry = new TargetRetry(records.Count, attempt, policy.MaxAttempts, delay, outcome.Error);
                await report(retry, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the request once and classifies what happened.</summary>
    private async Task<AttemptOutcome> AttemptAsync(WebhookBatchBody body, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(policy.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = CreateRequest(body);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and <= 299)
            {
                // The receiver has accepted the batch, so a body too large to read confirms every record instead of
                // failing the batch and sending it again.
                var (text, isComplete) = await ReadBodyAsync(response, MaxResponseBytes, linked.Token).ConfigureAwait(false);
                return isComplete ? AttemptOutcome.Success(text) : AttemptOutcome.TooLarge();
            }

            var error = await DescribeStatusAsync(response, linked.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
            {
                return AttemptOutcome.Retry(error, ReadRetryAfter(response));
            }

            return AttemptOutcome.Fail(error);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return AttemptOutcome.Retry($"the webhook at {Host} did not respond within {policy.RequestTimeout.TotalSeconds:0} s", null);
        }
        catch (HttpRequestException exception) when (WebhookHttp.FindBlocked(exception) is { } blocked)
        {
            return AttemptOutcome.Fail($"the request to the webhook was rejected: {blocked.Message}");
        }
        catch (HttpRequestException exception)
        {
            return AttemptOutcome.Retry($"the request to the webhook at {Host} failed: {exception.Message}", null);
        }
        catch (IOException exception)
        {
            return AttemptOutcome.Retry($"the connection to the webhook at {Host} failed: {exception.Message}", null);
        }
    }

    private HttpRequestMessage CreateRequest(WebhookBatchBody body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = new ByteArrayContent(body.Content),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in settings.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Add("Idempotency-Key", body.IdempotencyKey);
        return request;
    }

    private async Task<string> DescribeStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (text, _) = await ReadBodyAsync(response, MaxErrorResponseBytes, cancellationToken).ConfigureAwait(false);
        var excerpt = text.Length > 300 ? text[..300] + "…" : text;
        var status = $"the webhook at {Host} returned HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        return string.IsNullOrWhiteSpace(excerpt) ? status : $"{status} ({excerpt.Trim()})";
    }

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> of the body as UTF-8, the encoding of JSON (RFC 8259, section 8.1).
    /// <c>IsComplete</c> is false when the body is longer, and the text then contains only its start.
    /// </summary>
    private static async Task<(string Text, bool IsComplete)> ReadBodyAsync(
        HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte more than the limit is read, to tell a body of exactly the limit from a longer one.
            var limit = maxBytes + 1L;
            var buffer = new byte[Math.Min(limit, 81_920)];
            using var content = new MemoryStream();
            while (content.Length < limit)
            {
                var size = (int)Math.Min(buffer.Length, limit - content.Length);
                var read = await stream.ReadAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                content.Write(buffer, 0, read);
            }

            var isComplete = content.Length <= maxBytes;
            var length = (int)Math.Min(content.Length, maxBytes);
            return (Encoding.UTF8.GetString(content.GetBuffer(), 0, length), isComplete);
        }
    }

    /// <summary>Reads Retry-After as seconds or an HTTP date (RFC 9110, section 10.2.3); a date in the past means now.</summary>
    private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>
    /// Builds one result per record from a 2xx response: a record that the response's results reject fails with the
    /// receiver's message (see <see cref="WebhookResults.Read"/>), and every other record is confirmed.
    /// </summary>
    private List<RecordResult> ReadResults(string objectId, int batchNumber, List<TargetRecord> records, string responseText)
    {
        var (errors, unknown) = WebhookResults.Read(responseText, records);
        if (unknown > 0)
        {
            Log.UnknownResults(logger, Host, batchNumber, unknown);
        }

        Log.BatchSent(logger, Host, objectId, batchNumber, records.Count, errors.Count(error => error is not null));
        var outcomes = new List<RecordResult>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            outcomes.Add(errors[i] is { } message
                ? new RecordResult(RecordOutcome.Failed, $"the webhook rejected the record: {message}")
                : new RecordResult(SuccessOutcome(records[i].Operation)));
        }

        return outcomes;
    }

    private static RecordOutcome SuccessOutcome(RecordOperation operation) => operation switch
    {
        RecordOperation.Delete => RecordOutcome.Deleted,
        RecordOperation.Update or RecordOperation.Upsert => RecordOutcome.Updated,
        _ => RecordOutcome.Inserted,
    };

    private List<RecordResult> FailAll(string objectId, int batchNumber, List<TargetRecord> records, string error)
    {
        Log.BatchFailed(logger, Host, objectId, batchNumber, records.Count, error);
        return records.ConvertAll(_ => new RecordResult(RecordOutcome.Failed, error));
    }

    /// <summary>
    /// What one attempt produced: the 2xx response body in <see cref="Results"/>, or an error that may be retried after
    /// <see cref="RetryAfter"/> when the response set one.
    /// </summary>
    private sealed record AttemptOutcome(string? Results, string Error, bool IsRetryable, TimeSpan? RetryAfter, bool IsTooLarge = false)
    {
        public static AttemptOutcome Success(string body) => new(body, "", false, null);

        /// <summary>A 2xx response whose body exceeded the limit, which confirms the batch with no per-record results.</summary>
        public static AttemptOutcome TooLarge() => new("", "", false, null, IsTooLarge: true);

        public static AttemptOutcome Retry(string error, TimeSpan? retryAfter) => new(null, error, true, retryAfter);

        public static AttemptOutcome Fail(string error) => new(null, error, false, null);
    }
}
