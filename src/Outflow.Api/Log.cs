using Microsoft.Extensions.Logging;

namespace Outflow.Api;

/// <summary>The API's log messages; event ids 4000-4999 belong to the API.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Request {Method} {Path} failed with an unhandled exception")]
    public static partial void UnhandledException(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Rejected an unknown API key on {Path}")]
    public static partial void ApiKeyRejected(ILogger logger, string path);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Created connection {ConnectionId} of type {ConnectionType} in organization {OrganizationId}")]
    public static partial void ConnectionCreated(ILogger logger, Guid connectionId, string connectionType, Guid organizationId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Deleted connection {ConnectionId} of organization {OrganizationId} with {ModelCount} models and {SyncCount} syncs")]
    public static partial void ConnectionDeleted(ILogger logger, Guid connectionId, Guid organizationId, int modelCount, int syncCount);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Requested cancellation of execution {ExecutionId} of sync {SyncId} before deleting it")]
    public static partial void ExecutionCancelRequested(ILogger logger, Guid executionId, Guid syncId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Started execution {ExecutionId} of sync {SyncId}")]
    public static partial void ExecutionStarted(ILogger logger, Guid executionId, Guid syncId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Deleted sync {SyncId} of organization {OrganizationId}")]
    public static partial void SyncDeleted(ILogger logger, Guid syncId, Guid organizationId);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Deleted model {ModelId} of organization {OrganizationId}")]
    public static partial void ModelDeleted(ILogger logger, Guid modelId, Guid organizationId);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Requested cancellation of execution {ExecutionId} of sync {SyncId}")]
    public static partial void CancelRequested(ILogger logger, Guid executionId, Guid syncId);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information, Message = "Set active to {Active} on sync {SyncId} of organization {OrganizationId}")]
    public static partial void SyncActivated(ILogger logger, Guid syncId, bool active, Guid organizationId);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Did not store the response of {Method} {Path} for its Idempotency-Key: the body is larger than {MaxBytes} bytes, so a retry runs the request again")]
    public static partial void IdempotentResponseTooLarge(ILogger logger, string method, string path, int maxBytes);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Did not store the response of {Method} {Path} for its Idempotency-Key: the request ran longer than the {LeaseSeconds} s claim lease and another request took the key over")]
    public static partial void IdempotencyClaimLost(ILogger logger, string method, string path, double leaseSeconds);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Failed to store the response of {Method} {Path} for its Idempotency-Key; retries get 409 until the claim lease ends")]
    public static partial void IdempotentResponseNotStored(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "Failed to release the Idempotency-Key claim of {Method} {Path}; retries get 409 until the {LeaseSeconds} s claim lease ends")]
    public static partial void IdempotencyReleaseFailed(ILogger logger, string method, string path, double leaseSeconds, Exception exception);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Information, Message = "Deleted {Count} expired idempotency keys")]
    public static partial void IdempotencyKeysPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Error, Message = "Failed to delete expired idempotency keys; the next attempt is in {IntervalSeconds} s")]
    public static partial void IdempotencyPruneFailed(ILogger logger, double intervalSeconds, Exception exception);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Debug, Message = "Rejected {Method} {Path} with 429 for partition {Partition}; retry after {RetryAfterSeconds} s")]
    public static partial void RateLimited(ILogger logger, string method, string path, string partition, int retryAfterSeconds);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Warning, Message = "Dropping new target table {ObjectId} because the sync that asked for it was not saved")]
    public static partial void NewTargetDropping(ILogger logger, Exception exception, string objectId);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Error, Message = "Failed to drop new target table {ObjectId}; drop it by hand")]
    public static partial void NewTargetDropFailed(ILogger logger, Exception exception, string objectId);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Information, Message = "Job {JobId} of type {JobType} in organization {OrganizationId} is done")]
    public static partial void JobDone(ILogger logger, Guid jobId, string jobType, Guid organizationId);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Information, Message = "Job {JobId} of type {JobType} in organization {OrganizationId} failed: {Error}")]
    public static partial void JobFailed(ILogger logger, Guid jobId, string jobType, Guid organizationId, string error);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Error, Message = "Job {JobId} of type {JobType} in organization {OrganizationId} failed with an unexpected exception")]
    public static partial void JobCrashed(ILogger logger, Guid jobId, string jobType, Guid organizationId, Exception exception);

    [LoggerMessage(EventId = 4019, Level = LogLevel.Error, Message = "Failed to store the outcome of job {JobId} of type {JobType}; it stays unfinished until a server restart marks it failed")]
    public static partial void JobOutcomeNotStored(ILogger logger, Guid jobId, string jobType, Exception exception);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Marked {Count} unfinished jobs failed because the server restarted")]
    public static partial void JobsFailedAtStart(ILogger logger, int count);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Deleted {Count} jobs that finished more than {RetentionHours} hours ago")]
    public static partial void JobsDeleted(ILogger logger, int count, double retentionHours);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Error, Message = "Failed to clean up jobs; the next attempt is in {IntervalSeconds} s")]
    public static partial void JobCleanupFailed(ILogger logger, double intervalSeconds, Exception exception);
}
