using System.Net;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Api.Tests;

public sealed class ExecutionEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private const int FinishedCount = 120;

    [Fact]
    public async Task List_walk_returns_each_once()
    {
        var (syncId, ids) = await CreateSyncWithExecutionsAsync();

        var descending = await WalkAsync(syncId, "");
        Assert.Equal([50, 50, 21], descending.PageSizes);
        Assert.Equal(ids.AsEnumerable().Reverse(), descending.Ids);

        var ascending = await WalkAsync(syncId, "ascending=true");
        Assert.Equal(ids, ascending.Ids);

        var completed = await WalkAsync(syncId, "only_completed=true");
        Assert.Equal([50, 50, 20], completed.PageSizes);
        Assert.Equal(ids.Take(FinishedCount).Reverse(), completed.Ids);
    }

    [Fact]
    public async Task List_item_has_execution_shape()
    {
        var (syncId, ids) = await CreateSyncWithExecutionsAsync(finished: 1);

        var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions?only_completed=true");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var item = Assert.Single(response.Data.AsArray())!;
        Assert.Equal(ids[0], item["id"]!.GetValue<string>());
        Assert.Equal("completed", item["status"]!.GetValue<string>());
        Assert.Equal("manual", item["type"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", item["created_at"]!.GetValue<string>());
        Assert.NotNull(item["completed_at"]);
        foreach (var count in new[] { "total", "insert", "update", "upserts", "delete", "error", "warnings" })
        {
            Assert.Equal(0, item["counts"]![count]!.GetValue<long>());
        }

        Assert.Empty(item["errors"]!.AsArray());
        Assert.Null(response.Body!["pagination"]!["next_page_token"]);
    }

    [Fact]
    public async Task List_rejects_altered_or_foreign_page_tokens()
    {
        var (syncId, _) = await CreateSyncWithExecutionsAsync(finished: 60);
        var (otherSyncId, _) = await CreateSyncWithExecutionsAsync(finished: 1);
        var first = await server.Client.GetAsync($"/api/syncs/{syncId}/executions");
        var token = first.Body!["pagination"]!["next_page_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await GetPageAsync(syncId, token, "")).Status);

        var flipped = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        var cases = new Dictionary<string, (string SyncId, string Token, string Query)>
        {
            ["flipped byte"] = (syncId, flipped, ""),
            ["truncated"] = (syncId, token[..(token.Length / 2)], ""),
            ["not base64"] = (syncId, "!!!not-a-token!!!", ""),
            ["other sync"] = (otherSyncId, token, ""),
            ["changed filter"] = (syncId, token, "only_completed=true"),
            ["changed order"] = (syncId, token, "ascending=true"),
        };
        foreach (var (name, (targetSync, candidate, query)) in cases)
        {
            var response = await GetPageAsync(targetSync, candidate, query);
            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{name}: {response.Status} {response.Text}");
            Assert.Equal("invalid_page_token", response.ErrorKey);
            Assert.Equal("page_token", response.ErrorField);
        }

        var (_, foreignClient) = await server.CreateOrganizationAsync();
        using (foreignClient)
        {
            var foreign = await foreignClient.GetAsync($"/api/syncs/{syncId}/executions?page_token={Uri.EscapeDataString(token)}");
            Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
        }
    }

    [Fact]
    public async Task Get_returns_404_for_execution_of_another_sync()
    {
        var (syncId, ids) = await CreateSyncWithExecutionsAsync(finished: 1);
        var (otherSyncId, _) = await CreateSyncWithExecutionsAsync(finished: 1);

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{ids[0]}")).Status);
        var response = await server.Client.GetAsync($"/api/syncs/{otherSyncId}/executions/{ids[0]}");
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorKey);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{Guid.NewGuid()}")).Status);
    }

    [Fact]
    public async Task List_with_bad_boolean_returns_400()
    {
        var (syncId, _) = await CreateSyncWithExecutionsAsync(finished: 1);

        var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions?only_completed=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("only_completed", response.ErrorField);
    }

    private Task<ApiResponse> GetPageAsync(string syncId, string token, string query) =>
        server.Client.GetAsync($"/api/syncs/{syncId}/executions?{query}{(query.Length > 0 ? "&" : "")}page_token={Uri.EscapeDataString(token)}");

    private async Task<(List<int> PageSizes, List<string> Ids)> WalkAsync(string syncId, string query)
    {
        var sizes = new List<int>();
        var ids = new List<string>();
        string? token = null;
        do
        {
            var response = token is null
                ? await server.Client.GetAsync($"/api/syncs/{syncId}/executions?{query}")
                : await GetPageAsync(syncId, token, query);
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var items = response.Data.AsArray();
            sizes.Add(items.Count);
            ids.AddRange(items.Select(item => item!["id"]!.GetValue<string>()));
            token = response.Body!["pagination"]!["next_page_token"]?.GetValue<string>();
        }
        while (token is not null && sizes.Count < 10);

        return (sizes, ids);
    }

    /// <summary>
    /// Creates a sync with <paramref name="finished"/> completed executions, one second apart, plus one queued execution
    /// after them when <paramref name="finished"/> is the default; returns the ids oldest first.
    /// </summary>
    private async Task<(string SyncId, List<string> Ids)> CreateSyncWithExecutionsAsync(int finished = FinishedCount)
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var organizationId = Guid.Parse((await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var sync = (await server.GetService<ISyncStore>().GetAsync(organizationId, Guid.Parse(setup.SyncId), CancellationToken.None))!;
        var executions = server.GetService<IExecutionStore>();
        var start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var ids = new List<string>();
        var total = finished == FinishedCount ? finished + 1 : finished;
        for (var i = 0; i < total; i++)
        {
            var execution = new Execution
            {
                Id = Guid.NewGuid(),
                OrganizationId = organizationId,
                SyncId = sync.Id,
                Status = ExecutionStatus.Queued,
                Type = ExecutionTypes.Manual,
                CreatedAt = start.AddSeconds(i),
                Configuration = sync.Configuration,
            };
            var (_, created) = await executions.CreateIfIdleAsync(execution, CancellationToken.None);
            Assert.True(created);
            if (i < finished)
            {
                await executions.FinishAsync(execution.Id, null, ExecutionStatus.Completed, [], start.AddSeconds(i).AddMilliseconds(500), CancellationToken.None);
            }

            ids.Add(execution.Id.ToString());
        }

        return (setup.SyncId, ids);
    }
}
