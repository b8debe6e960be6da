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
}
