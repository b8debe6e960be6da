using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outflow.Api.Errors;
using Outflow.Api.Json;
using Outflow.Core;
using Outflow.Core.Jobs;

namespace Outflow.Api.Jobs;

/// <summary>
/// Runs the work of <c>async=true</c> requests in the background and records it as a <see cref="Job"/> in the store.
/// The work gets its own service scope, because the request's scope ends when the response is sent. A failure
/// stores the ApiError message the synchronous request would have returned.
/// </summary>
internal sealed class JobRunner
{
    /// <summary>The error of jobs that the server stopped or lost before they finished.</summary>
    public const string InterruptedError = "the server restarted or stopped before the job finished: send the request again";

    private readonly IJobStore _jobs;
    private readonly IServiceScopeFactory _scopes;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<JobRunner> _logger;

    public JobRunner(
        IJobStore jobs,
        IServiceScopeFactory scopes,
        IHostApplicationLifetime lifetime,
        TimeProvider timeProvider,
        ILogger<JobRunner> logger)
    {
        _jobs = jobs;
        _scopes = scopes;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Stores a new <c>created</c> job and starts <paramref name="work"/> without waiting for it. The object the work
    /// returns becomes the job's result, serialized as the response's <c>data</c> would be.
    /// </summary>
    public async Task<Job> StartAsync<T>(
        Guid organizationId, string type, Func<IServiceProvider, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var job = new Job
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            Type = type,
            Status = JobStatus.Created,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await _jobs.InsertAsync(job, cancellationToken);

        // The request's token ends with the response, so the work runs under the host's stopping token instead.
        _ = Task.Run(() => RunAsync(job, work), CancellationToken.None);
        return job;
    }

    private async Task RunAsync<T>(Job job, Func<IServiceProvider, CancellationToken, Task<T>> work)
    {
        var stopping = _lifetime.ApplicationStopping;
        string? result = null;
        string? error = null;
        try
        {
            await _jobs.MarkRunningAsync(job.Id, _timeProvider.GetUtcNow(), stopping);
            await using var scope = _scopes.CreateAsyncScope();
            var data = await work(scope.ServiceProvider, stopping);
            result = JsonSerializer.Serialize(data, ApiJson.Options);
        }
        catch (ApiException exception)
        {
            error = exception.Message;
        }
        catch (OutflowException exception)
        {
            error = ApiErrorWriter.ToApiException(exception).Message;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            error = InterruptedError;
        }
        catch (Exception exception)
        {
            Log.JobCrashed(_logger, job.Id, job.Type, job.OrganizationId, exception);
            error = $"job {job.Id} failed with an internal error: try again, and report it to the server's operator if it persists";
        }

        try
        {
            var now = _timeProvider.GetUtcNow();
            if (result is not null)
            {
                await _jobs.CompleteAsync(job.Id, result, now, CancellationToken.None);
                Log.JobDone(_logger, job.Id, job.Type, job.OrganizationId);
            }
            else
            {
                await _jobs.FailAsync(job.Id, error!, now, CancellationToken.None);
                Log.JobFailed(_logger, job.Id, job.Type, job.OrganizationId, error!);
            }
        }
        catch (Exception exception)
        {
            Log.JobOutcomeNotStored(_logger, job.Id, job.Type, exception);
        }
    }
}
