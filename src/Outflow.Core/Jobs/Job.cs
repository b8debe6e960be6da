namespace Outflow.Core.Jobs;

/// <summary>
/// Background work that a request started with <c>async=true</c>. Clients poll it by type and id until its
/// status is <see cref="JobStatus.Done"/> or <see cref="JobStatus.Failed"/>.
/// </summary>
public sealed record Job
{
    public required Guid Id { get; init; }

    public required Guid OrganizationId { get; init; }

    /// <summary>One of <see cref="JobTypes.All"/>.</summary>
    public required string Type { get; init; }

    public required JobStatus Status { get; init; }

    /// <summary>The JSON text of the response's <c>data</c>, set when the job is done.</summary>
    public string? Result { get; init; }

    /// <summary>The error message, set when the job failed.</summary>
    public string? Error { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
