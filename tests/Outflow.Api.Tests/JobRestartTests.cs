using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Outflow.Core.Jobs;
using Outflow.Hosting;

namespace Outflow.Api.Tests;

public sealed class JobRestartTests
{
    [Fact]
    public async Task Restart_fails_unfinished_jobs()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-api-" + Guid.NewGuid().ToString("N"));
        var settings = new ServerSettings
        {
            DataDirectory = dataDirectory,
            Urls = "http://127.0.0.1:0",
            BootstrapKey = ApiServerFixture.AdminKey,
        };
        var authorization = new AuthenticationHeaderValue("Bearer", ApiServerFixture.AdminKey);
        try
        {
            Guid runningId;
            Guid doneId;
            await using (var first = await OutflowServer.StartAsync(settings, CancellationToken.None))
            {
                using var client = new ApiClient(first.BaseAddress, authorization);
                var organizationId = Guid.Parse((await client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
                var jobs = first.Services.GetRequiredService<IJobStore>();
                var now = TimeProvider.System.GetUtcNow();
                runningId = await InsertJobAsync(jobs, organizationId, now);
                doneId = await InsertJobAsync(jobs, organizationId, now);
                Assert.True(await jobs.MarkRunningAsync(runningId, now, CancellationToken.None));
                Assert.True(await jobs.CompleteAsync(doneId, """{"records":[],"warnings":[]}""", now, CancellationToken.None));
            }

            await using var second = await OutflowServer.StartAsync(settings, CancellationToken.None);
            using var secondClient = new ApiClient(second.BaseAddress, authorization);
            var running = await secondClient.GetAsync($"/api/jobs/samplemodel/{runningId}");
            var done = await secondClient.GetAsync($"/api/jobs/samplemodel/{doneId}");

            Assert.Equal(HttpStatusCode.OK, running.Status);
            Assert.Equal("failed", running.Data["status"]!.GetValue<string>());
            Assert.Contains("restarted", running.Data["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(running.Data["result"]);
            Assert.Equal("done", done.Data["status"]!.GetValue<string>());
            Assert.Empty(done.Data["result"]!["records"]!.AsArray());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<Guid> InsertJobAsync(IJobStore jobs, Guid organizationId, DateTimeOffset now)
    {
        var job = new Job
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            Type = JobTypes.SampleModel,
            Status = JobStatus.Created,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await jobs.InsertAsync(job, CancellationToken.None);
        return job.Id;
    }
}
