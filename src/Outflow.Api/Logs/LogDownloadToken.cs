namespace Outflow.Api.Logs;

/// <summary>What a signed download URL grants: one log file of one execution, until <see cref="Expires"/>.</summary>
internal sealed record LogDownloadToken(
    Guid OrganizationId, Guid SyncId, Guid ExecutionId, string Type, string FileName, DateTimeOffset Expires);
