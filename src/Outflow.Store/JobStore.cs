using Dapper;
using Outflow.Core.Jobs;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>Jobs in the <c>jobs</c> table, with the status stored as its wire name.</summary>
internal sealed class JobStore : IJobStore
{
    private const string Unfinished = "status IN ('created', 'running')";

    private readonly IStoreDatabase _database;

    public JobStore(IStoreDatabase database)
    {
        _database = database;
    }

    public async Task InsertAsync(Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO jobs (id, organization_id, type, status, result, error, created_at, updated_at)
            VALUES (@Id, @OrganizationId, @Type, @Status, @Result, @Error, @CreatedAt, @UpdatedAt)
            """,
            new JobRow
            {
                Id = StoreValues.ToText(job.Id),
                OrganizationId = StoreValues.ToText(job.OrganizationId),
                Type = job.Type,
                Status = job.Status.ToWire(),
                Result = job.Result,
                Error = job.Error,
                CreatedAt = StoreValues.ToUnixMilliseconds(job.CreatedAt),
                UpdatedAt = StoreValues.ToUnixMilliseconds(job.UpdatedAt),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<Job?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            """
            SELECT id AS Id, organization_id AS OrganizationId, type AS Type, status AS Status, result AS Result,
                   error AS Error, created_at AS CreatedAt, updated_at AS UpdatedAt
            FROM jobs
            WHERE organization_id = @OrganizationId AND id = @Id
            """,
            new { OrganizationId = StoreValues.ToText(organizationId), Id = StoreValues.ToText(id) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : ToJob(row);
    }

    public async Task<bool> MarkRunningAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET status = 'running', updated_at = @Now WHERE id = @Id AND status = 'created'",
            new { Id = StoreValues.ToText(id), Now = StoreValues.ToUnixMilliseconds(now) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return updated == 1;
    }

    public Task<bool> CompleteAsync(Guid id, string result, DateTimeOffset now, CancellationToken cancellationToken) =>
        FinishAsync(id, JobStatus.Done, result, null, now, cancellationToken);

    public Task<bool> FailAsync(Guid id, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        FinishAsync(id, JobStatus.Failed, null, error, now, cancellationToken);

    public async Task<int> FailUnfinishedAsync(
        DateTimeOffset createdBefore, string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'failed', error = @Error, updated_at = @Now
            WHERE {Unfinished} AND created_at < @CreatedBefore
            """,
            new
            {
                Error = error,
                Now = StoreValues.ToUnixMilliseconds(now),
                CreatedBefore = StoreValues.ToUnixMilliseconds(createdBefore),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<int> DeleteFinishedAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM jobs WHERE status IN ('done', 'failed') AND updated_at < @UpdatedBefore",
            new { UpdatedBefore = StoreValues.ToUnixMilliseconds(updatedBefore) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task<bool> FinishAsync(
        Guid id, JobStatus status, string? result, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE jobs SET status = @Status, result = @Result, error = @Error, updated_at = @Now
            WHERE id = @Id AND {Unfinished}
            """,
            new
            {
                Id = StoreValues.ToText(id),
                Status = status.ToWire(),
                Result = result,
                Error = error,
                Now = StoreValues.ToUnixMilliseconds(now),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return updated == 1;
    }

    private static Job ToJob(JobRow row) => new()
    {
        Id = StoreValues.ToGuid(row.Id),
        OrganizationId = StoreValues.ToGuid(row.OrganizationId),
        Type = row.Type,
        Status = JobStatuses.TryParse(row.Status, out var status)
            ? status
            : throw new InvalidOperationException($"jobs.status of job {row.Id} is {row.Status}, which is not a job status"),
        Result = row.Result,
        Error = row.Error,
        CreatedAt = StoreValues.ToInstant(row.CreatedAt),
        UpdatedAt = StoreValues.ToInstant(row.UpdatedAt),
    };
}
