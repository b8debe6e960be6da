namespace Outflow.Core.Jobs;

/// <summary>
/// Jobs shared by every API process on one store, so any of them can report a job that another runs. Every
/// status change is conditional on the job not being finished, so a finished job never changes again.
/// </summary>
public interface IJobStore
{
    Task InsertAsync(Job job, CancellationToken cancellationToken);

    Task<Job?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);

    /// <summary>Moves a created job to running; returns false when it is no longer created.</summary>
    Task<bool> MarkRunningAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks an unfinished job done with <paramref name="result"/> (JSON text); returns false when it was finished.</summary>
    Task<bool> CompleteAsync(Guid id, string result, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks an unfinished job failed with <paramref name="error"/>; returns false when it was finished.</summary>
    Task<bool> FailAsync(Guid id, string error, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Marks every job created before <paramref name="createdBefore"/> that is still created or running as failed
    /// with <paramref name="error"/>; returns how many it marked.
    /// </summary>
    Task<int> FailUnfinishedAsync(DateTimeOffset createdBefore, string error, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the done and failed jobs last updated before <paramref name="updatedBefore"/>; returns how many it deleted.</summary>
    Task<int> DeleteFinishedAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken);
}
