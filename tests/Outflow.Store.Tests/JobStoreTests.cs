using Outflow.Core.Jobs;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class JobStoreTests(PostgresFixture? postgres)
{
    private static readonly DateTimeOffset Now = TestStore.BaseTime;

    [Fact]
    public async Task InsertAsync_then_GetAsync_round_trips()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var job = NewJob(organization.Id, JobTypes.SampleModel);

        await store.Jobs.InsertAsync(job, CancellationToken.None);
        var stored = await store.Jobs.GetAsync(organization.Id, job.Id, CancellationToken.None);

        Assert.Equal(job, stored);
    }

    [Fact]
    public async Task GetAsync_other_organization_returns_null()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var owner = await store.CreateOrganizationAsync("owner");
        var other = await store.CreateOrganizationAsync("other");
        var job = NewJob(owner.Id, JobTypes.CreateModel);
        await store.Jobs.InsertAsync(job, CancellationToken.None);

        Assert.Null(await store.Jobs.GetAsync(other.Id, job.Id, CancellationToken.None));
        Assert.Null(await store.Jobs.GetAsync(owner.Id, Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task CompleteAsync_stores_result_once()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var job = NewJob(organization.Id, JobTypes.PreviewModel);
        await store.Jobs.InsertAsync(job, CancellationToken.None);

        Assert.True(await store.Jobs.MarkRunningAsync(job.Id, Now.AddSeconds(1), CancellationToken.None));
        Assert.False(await store.Jobs.MarkRunningAsync(job.Id, Now.AddSeconds(1), CancellationToken.None));
        Assert.True(await store.Jobs.CompleteAsync(job.Id, """{"name":"x"}""", Now.AddSeconds(2), CancellationToken.None));
        Assert.False(await store.Jobs.FailAsync(job.Id, "late failure", Now.AddSeconds(3), CancellationToken.None));

        var stored = await store.Jobs.GetAsync(organization.Id, job.Id, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(JobStatus.Done, stored.Status);
        Assert.Equal("""{"name":"x"}""", stored.Result);
        Assert.Null(stored.Error);
        Assert.Equal(Now.AddSeconds(2), stored.UpdatedAt);
        Assert.Equal(Now, stored.CreatedAt);
    }

    [Fact]
    public async Task FailAsync_stores_error_once()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var job = NewJob(organization.Id, JobTypes.UpdateModel);
        await store.Jobs.InsertAsync(job, CancellationToken.None);

        Assert.True(await store.Jobs.FailAsync(job.Id, "source unreachable", Now.AddSeconds(1), CancellationToken.None));
        Assert.False(await store.Jobs.CompleteAsync(job.Id, "{}", Now.AddSeconds(2), CancellationToken.None));
        Assert.False(await store.Jobs.MarkRunningAsync(job.Id, Now.AddSeconds(2), CancellationToken.None));

        var stored = await store.Jobs.GetAsync(organization.Id, job.Id, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(JobStatus.Failed, stored.Status);
        Assert.Equal("source unreachable", stored.Error);
        Assert.Null(stored.Result);
    }

    [Fact]
    public async Task FailUnfinishedAsync_fails_only_older_unfinished_jobs()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var created = NewJob(organization.Id, JobTypes.CreateModel);
        var running = NewJob(organization.Id, JobTypes.SampleModel);
        var done = NewJob(organization.Id, JobTypes.PreviewModel);
        var newer = NewJob(organization.Id, JobTypes.CreateModel) with { CreatedAt = Now.AddMinutes(5), UpdatedAt = Now.AddMinutes(5) };
        foreach (var job in new[] { created, running, done, newer })
        {
            await store.Jobs.InsertAsync(job, CancellationToken.None);
        }

        await store.Jobs.MarkRunningAsync(running.Id, Now, CancellationToken.None);
        await store.Jobs.CompleteAsync(done.Id, "{}", Now, CancellationToken.None);

        var failed = await store.Jobs.FailUnfinishedAsync(Now.AddMinutes(1), "restarted", Now.AddMinutes(6), CancellationToken.None);

        Assert.Equal(2, failed);
        Assert.Equal(JobStatus.Failed, (await GetAsync(store, created)).Status);
        Assert.Equal("restarted", (await GetAsync(store, created)).Error);
        Assert.Equal(JobStatus.Failed, (await GetAsync(store, running)).Status);
        Assert.Equal(JobStatus.Done, (await GetAsync(store, done)).Status);
        Assert.Equal(JobStatus.Created, (await GetAsync(store, newer)).Status);
    }

    [Fact]
    public async Task DeleteFinishedAsync_keeps_unfinished_and_recent_jobs()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var organization = await store.CreateOrganizationAsync();
        var oldDone = NewJob(organization.Id, JobTypes.PreviewModel);
        var oldFailed = NewJob(organization.Id, JobTypes.PreviewModel);
        var oldRunning = NewJob(organization.Id, JobTypes.PreviewModel);
        var recentDone = NewJob(organization.Id, JobTypes.PreviewModel);
        foreach (var job in new[] { oldDone, oldFailed, oldRunning, recentDone })
        {
            await store.Jobs.InsertAsync(job, CancellationToken.None);
        }

        await store.Jobs.CompleteAsync(oldDone.Id, "{}", Now, CancellationToken.None);
        await store.Jobs.FailAsync(oldFailed.Id, "failed", Now, CancellationToken.None);
        await store.Jobs.MarkRunningAsync(oldRunning.Id, Now, CancellationToken.None);
        await store.Jobs.CompleteAsync(recentDone.Id, "{}", Now.AddHours(2), CancellationToken.None);

        var deleted = await store.Jobs.DeleteFinishedAsync(Now.AddHours(1), CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Null(await store.Jobs.GetAsync(organization.Id, oldDone.Id, CancellationToken.None));
        Assert.Null(await store.Jobs.GetAsync(organization.Id, oldFailed.Id, CancellationToken.None));
        Assert.NotNull(await store.Jobs.GetAsync(organization.Id, oldRunning.Id, CancellationToken.None));
        Assert.NotNull(await store.Jobs.GetAsync(organization.Id, recentDone.Id, CancellationToken.None));
    }

    private static Job NewJob(Guid organizationId, string type) => new()
    {
        Id = Guid.NewGuid(),
        OrganizationId = organizationId,
        Type = type,
        Status = JobStatus.Created,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static async Task<Job> GetAsync(TestStore store, Job job) =>
        await store.Jobs.GetAsync(job.OrganizationId, job.Id, CancellationToken.None)
        ?? throw new InvalidOperationException($"job {job.Id} is missing");
}
