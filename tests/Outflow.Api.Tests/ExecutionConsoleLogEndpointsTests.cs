using System.Net;
using System.Text.Json.Nodes;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;

namespace Outflow.Api.Tests;

public sealed class ExecutionConsoleLogEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);

    [Fact]
    public async Task ConsoleLog_entry_has_contract_shape()
    {
        var (syncId, executionId) = await CreateExecutionAsync();
        var log = server.GetService<IExecutionConsoleLog>();
        await log.AppendAsync(
            executionId, Start.AddMilliseconds(250), ConsoleLogLevels.Warn, "batch retried",
            new JsonObject { ["records"] = 500L, ["attempt"] = 2 }, CancellationToken.None);

        var response = await GetAsync(syncId, executionId, "");

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var entry = Assert.Single(response.Data["entries"]!.AsArray())!;
        Assert.Equal($"{Start.ToUnixTimeMilliseconds() + 250}-0", entry["id"]!.GetValue<string>());
        Assert.Equal("2026-01-01T00:00:00Z", entry["timestamp"]!.GetValue<string>());
        Assert.Equal("WARN", entry["level"]!.GetValue<string>());
        Assert.Equal("batch retried", entry["message"]!.GetValue<string>());
        Assert.Equal(500L, entry["payload"]!["records"]!.GetValue<long>());
        Assert.Equal(2, entry["payload"]!["attempt"]!.GetValue<int>());
        Assert.Equal(entry["id"]!.GetValue<string>(), response.Data["next_cursor"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConsoleLog_without_entries_has_null_cursor()
    {
        var (syncId, executionId) = await CreateExecutionAsync();

        var response = await GetAsync(syncId, executionId, "");

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        Assert.Empty(response.Data["entries"]!.AsArray());
        var data = response.Data.AsObject();
        Assert.True(data.ContainsKey("next_cursor"), response.Text);
        Assert.Null(data["next_cursor"]);
    }

    [Theory]
    [InlineData("", 50)]
    [InlineData("limit=7", 7)]
    [InlineData("limit=50", 50)]
    [InlineData("limit=51", 50)]
    [InlineData("limit=1000", 50)]
    [InlineData("limit=0", 50)]
    [InlineData("limit=-3", 50)]
    public async Task ConsoleLog_limit_caps_at_50(string query, int expected)
    {
        var (syncId, executionId) = await CreateExecutionAsync();
        var messages = await AppendAsync(executionId, 0, 60);

        var response = await GetAsync(syncId, executionId, query);

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var entries = Messages(response);
        Assert.Equal(expected, entries.Count);

        // Without a cursor the newest entries come back, oldest first.
        Assert.Equal(messages.TakeLast(expected), entries);
    }

    [Fact]
    public async Task ConsoleLog_paging_returns_each_once()
    {
        var (syncId, executionId) = await CreateExecutionAsync();
        var expected = await AppendAsync(executionId, 0, 20);
        var seen = new List<string>();
        var ids = new List<string>();

        // The first page is the newest 50, so start from a cursor before every entry to read from the oldest.
        var cursor = "0-0";
        var pages = 0;
        while (true)
        {
            var response = await GetAsync(syncId, executionId, $"limit=7&after={cursor}");
            Assert.True(response.Status == HttpStatusCode.OK, response.Text);
            var entries = response.Data["entries"]!.AsArray();
            var next = response.Data["next_cursor"]!.GetValue<string>();
            if (entries.Count == 0)
            {
                Assert.Equal(cursor, next);
                break;
            }

            Assert.Equal(entries[^1]!["id"]!.GetValue<string>(), next);
            seen.AddRange(entries.Select(entry => entry!["message"]!.GetValue<string>()));
            ids.AddRange(entries.Select(entry => entry!["id"]!.GetValue<string>()));
            cursor = next;
            pages++;

            // Entries keep arriving while the client pages, as they do while an execution runs.
            if (pages <= 3)
            {
                expected.AddRange(await AppendAsync(executionId, expected.Count, 5));
            }

            Assert.True(pages < 100, "paging did not reach the end");
        }

        Assert.Equal(expected, seen);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        var parsed = ids.Select(id => Assert.IsType<ConsoleLogCursor>(Parse(id))).ToList();
        Assert.Equal(parsed.Order(), parsed);
    }

    [Fact]
    public async Task ConsoleLog_after_newest_echoes_cursor()
    {
        var (syncId, executionId) = await CreateExecutionAsync();
        await AppendAsync(executionId, 0, 3);
        var newest = (await GetAsync(syncId, executionId, "")).Data["next_cursor"]!.GetValue<string>();

        var response = await GetAsync(syncId, executionId, $"after={newest}");

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        Assert.Empty(response.Data["entries"]!.AsArray());
        Assert.Equal(newest, response.Data["next_cursor"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123")]
    [InlineData("123-")]
    [InlineData("-1")]
    [InlineData("1-2-3")]
    [InlineData("+1-0")]
    [InlineData("1.5-0")]
    [InlineData("99999999999999999999-0")]
    public async Task ConsoleLog_malformed_after_returns_400(string after)
    {
        var (syncId, executionId) = await CreateExecutionAsync();

        var response = await GetAsync(syncId, executionId, "after=" + Uri.EscapeDataString(after));

        Assert.True(response.Status == HttpStatusCode.BadRequest, response.Text);
        Assert.Equal("invalid_query_parameter", response.ErrorKey);
        Assert.Equal("after", response.ErrorField);
        Assert.Equal(after, response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Contains(after, response.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleLog_other_sync_or_organization_returns_404()
    {
        var (syncId, executionId) = await CreateExecutionAsync();
        var (otherSyncId, _) = await CreateExecutionAsync();
        await AppendAsync(executionId, 0, 1);

        var wrongSync = await server.Client.GetAsync($"/api/syncs/{otherSyncId}/executions/{executionId}/consolelog");
        var unknown = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{Guid.NewGuid()}/consolelog");
        var (_, foreignClient) = await server.CreateOrganizationAsync();
        ApiResponse foreign;
        using (foreignClient)
        {
            foreign = await foreignClient.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/consolelog");
        }

        Assert.True(wrongSync.Status == HttpStatusCode.NotFound, wrongSync.Text);
        Assert.Equal("not_found", wrongSync.ErrorKey);
        Assert.True(unknown.Status == HttpStatusCode.NotFound, unknown.Text);
        Assert.True(foreign.Status == HttpStatusCode.NotFound, foreign.Text);
    }

    [Fact]
    public async Task ConsoleLog_of_run_reports_start_and_finish()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var started = await server.Client.SendAsync(HttpMethod.Post, $"/api/syncs/{setup.SyncId}/executions");
        Assert.True(started.Status == HttpStatusCode.OK, started.Text);
        var executionId = started.Data["id"]!.GetValue<string>();
        await WaitForFinishAsync(setup.SyncId, executionId);

        var response = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{executionId}/consolelog");

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var entries = response.Data["entries"]!.AsArray().Select(entry => entry!).ToList();
        Assert.True(entries.Count >= 2, response.Text);
        Assert.StartsWith("Execution started", entries[0]["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var finished = entries[^1];
        Assert.StartsWith("Execution finished", finished["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("completed", finished["payload"]!["status"]!.GetValue<string>());
        Assert.Equal(3, finished["payload"]!["insert"]!.GetValue<long>());
    }

    private static ConsoleLogCursor? Parse(string id) => ConsoleLogCursor.TryParse(id, out var cursor) ? cursor : null;

    private static List<string> Messages(ApiResponse response) =>
        response.Data["entries"]!.AsArray().Select(entry => entry!["message"]!.GetValue<string>()).ToList();

    private Task<ApiResponse> GetAsync(string syncId, Guid executionId, string query) =>
        server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/consolelog{(query.Length > 0 ? "?" + query : "")}");

    /// <summary>
    /// Appends entries named "entry {first}" onwards, three per millisecond so that ids share milliseconds;
    /// returns their messages in order.
    /// </summary>
    private async Task<List<string>> AppendAsync(Guid executionId, int first, int count)
    {
        var log = server.GetService<IExecutionConsoleLog>();
        var messages = new List<string>();
        for (var i = first; i < first + count; i++)
        {
            var message = $"entry {i}";
            await log.AppendAsync(executionId, Start.AddMilliseconds(i / 3), ConsoleLogLevels.Info, message, null, CancellationToken.None);
            messages.Add(message);
        }

        return messages;
    }

    /// <summary>Creates a sync and a completed execution of it in the store, which no worker runs; returns their ids.</summary>
    private async Task<(string SyncId, Guid ExecutionId)> CreateExecutionAsync()
    {
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var organizationId = Guid.Parse((await server.Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var sync = (await server.GetService<ISyncStore>().GetAsync(organizationId, Guid.Parse(setup.SyncId), CancellationToken.None))!;
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            SyncId = sync.Id,
            Status = ExecutionStatus.Completed,
            Type = ExecutionTypes.Manual,
            CreatedAt = Start,
            Configuration = sync.Configuration,
        };
        var (_, created) = await server.GetService<IExecutionStore>().CreateIfIdleAsync(execution, CancellationToken.None);
        Assert.True(created);
        return (setup.SyncId, execution.Id);
    }

    private async Task WaitForFinishAsync(string syncId, string executionId)
    {
        // A bound on polling, not a timing assertion: it only keeps a broken engine from hanging the test run.
        for (var attempt = 0; attempt < 6000; attempt++)
        {
            var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}");
            var status = response.Data["status"]!.GetValue<string>();
            if (status is "completed" or "failed" or "canceled" or "interrupted")
            {
                Assert.True(status == "completed", response.Text);
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"execution {executionId} of sync {syncId} did not finish");
    }
}
