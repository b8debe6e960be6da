using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outflow.Api.Errors;

namespace Outflow.Api.RateLimiting;

/// <summary>
/// Sets up ASP.NET Core's rate limiter with one token bucket per API key, so that one key's load never throttles
/// another's. Requests without a valid key share a bucket per client address instead, so an anonymous flood
/// throttles only itself. Buckets live in each process: N processes behind a load balancer allow N times the rate.
/// </summary>
internal static class ApiRateLimiting
{
    public static void Configure(RateLimiterOptions options, ApiRateLimitOptions limits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limits.PermitsPerSecond, nameof(limits.PermitsPerSecond));
        if (limits.PermitsPerSecond > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limits.Burst, limits.PermitsPerSecond, nameof(limits.Burst));
        }

        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var partition = PartitionKey(context);
            if (limits.PermitsPerSecond == 0)
            {
                return RateLimitPartition.GetNoLimiter(partition);
            }

            // The partitioned limiter replenishes every bucket from one timer, so the period stays at one second.
            return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = (rejection, cancellationToken) => new ValueTask(RejectAsync(rejection, limits));
    }

    /// <summary>Returns the API key's id when the request carries a valid key, otherwise the client's address.</summary>
    private static string PartitionKey(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } keyId)
        {
            return "key:" + keyId;
        }

        return "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private static Task RejectAsync(OnRejectedContext rejection, ApiRateLimitOptions limits)
    {
        var context = rejection.HttpContext;
        var wait = rejection.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var partition = PartitionKey(context);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiRateLimiting));
        Log.RateLimited(logger, context.Request.Method, context.Request.Path, partition, seconds);

        var caller = partition.StartsWith("key:", StringComparison.Ordinal) ? "this API key" : "this address without a valid API key";
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiErrorWriter.WriteAsync(
            context,
            new ApiError
            {
                Status = StatusCodes.Status429TooManyRequests,
                Key = ApiErrorKeys.RateLimited,
                Message = $"too many requests from {caller}: the limit is {limits.PermitsPerSecond} per second with bursts of "
                    + $"{limits.Burst}; retry after {seconds} s, as the Retry-After header says",
            });
    }
}
