using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>
/// One server with two organizations that contain the same kinds of objects: a source and a target connection, a model, a
/// sync with one finished execution and its log files, and a finished sample job. Tests call the API with
/// <see cref="Intruder"/>'s key and <see cref="Owner"/>'s ids.
/// </summary>
public sealed class TwoOrganizationsFixture : IAsyncLifetime
{
    public ApiServerFixture Server { get; } = new();

    public Tenant Owner { get; private set; } = null!;

    public Tenant Intruder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Owner = await Tenant.CreateAsync(Server);
        Intruder = await Tenant.CreateAsync(Server);
    }

    public async Task DisposeAsync()
    {
        Owner?.Client.Dispose();
        Intruder?.Client.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>An organization's key and the ids of its objects, as the API returns them.</summary>
public sealed record Tenant(
    ApiClient Client,
    string OrganizationId,
    SyncSetup Objects,
    string ExecutionId,
    string LogType,
    string LogFileName,
    string JobId,
    JsonNode SourceConfiguration)
{
    public const string JobType = "samplemodel";

    /// <summary>Every id of this organization and its objects.</summary>
    public IReadOnlyList<string> Ids =>
    [
        OrganizationId,
        Objects.SourceConnectionId,
        Objects.ModelId,
        Objects.TargetConnectionId,
        Objects.SyncId,
        ExecutionId,
        JobId,
    ];

    /// <summary>Creates an organization with a key, then its objects through the API.</summary>
    public static async Task<Tenant> CreateAsync(ApiServerFixture server)
    {
        var (organization, client) = await server.CreateOrganizationAsync();
        var objects = await TestObjects.CreateSyncAsync(server, client, active: true);
        var executionId = await TestObjects.RunSyncAsync(client, objects.SyncId);

        var index = await client.GetAsync($"/api/syncs/{objects.SyncId}/executions/{executionId}/logs");
        Assert.True(index.Status == HttpStatusCode.OK, index.Text);
        var file = index.Data["files"]!.AsArray().First()!;

        var sample = await client.GetAsync($"/api/models/{objects.ModelId}/sample?async=true");
        Assert.True(sample.Status == HttpStatusCode.OK, sample.Text);
        var jobId = sample.Body!["job"]!["job_id"]!.GetValue<string>();
        await WaitForJobAsync(client, jobId);

        var source = await client.GetAsync($"/api/connections/{objects.SourceConnectionId}");
        Assert.True(source.Status == HttpStatusCode.OK, source.Text);

        return new Tenant(
            client,
            organization.Id.ToString(),
            objects,
            executionId,
            file["type"]!.GetValue<string>(),
            file["name"]!.GetValue<string>(),
            jobId,
            source.Data["configuration"]!.DeepClone());
    }

    /// <summary>Returns a tenant with the same key and fresh random ids, none of which names a stored object.</summary>
    public Tenant WithUnknownIds() => this with
    {
        OrganizationId = Guid.NewGuid().ToString(),
        Objects = new SyncSetup(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString()),
        ExecutionId = Guid.NewGuid().ToString(),
        JobId = Guid.NewGuid().ToString(),
    };

    private static async Task WaitForJobAsync(ApiClient client, string jobId)
    {
        // A bound on polling, not a timing assertion: it only keeps a stuck job from hanging the test run.
        for (var attempt = 0; attempt < 6000; attempt++)
        {
            var response = await client.GetAsync($"/api/jobs/{JobType}/{jobId}");
            Assert.True(response.Status == HttpStatusCode.OK, response.Text);
            var status = response.Data["status"]!.GetValue<string>();
            if (status is "done" or "failed")
            {
                Assert.True(status == "done", response.Text);
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"job {jobId} did not finish");
    }
}
