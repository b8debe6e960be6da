using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Scheduling;
using Quartz;

namespace Outflow.Api.Tests;

/// <summary>Schedule triggers: next_execution_time, firing, continuous runs, run-after chains and removal.</summary>
public sealed class ScheduleFiringTests(ScheduleServerFixture fixture) : IClassFixture<ScheduleServerFixture>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(60);

    private ApiServerFixture Server => fixture.Server;

    private ApiClient Client => fixture.Server.Client;

    [Fact]
    public async Task Hourly_sync_reports_next_execution_time()
    {
        var before = TimeProvider.System.GetUtcNow();
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "hourly", ["minute"] = "7" });
        var after = TimeProvider.System.GetUtcNow();

        var next = await GetNextExecutionTimeAsync(syncId);

        Assert.NotNull(next);
        Assert.Equal(7, next.Value.Minute);
        Assert.Equal(0, next.Value.Second);
        Assert.Equal(TimeSpan.Zero, next.Value.Offset);
        Assert.InRange(next.Value, before, after.AddHours(1));
        var status = await Client.GetAsync($"/api/syncs/{syncId}/status");
        Assert.EndsWith("Z", status.Data["next_execution_time"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"frequency":"manual"}""", true)]
    [InlineData("""{"frequency":"hourly","minute":"7"}""", false)]
    public async Task Manual_or_inactive_has_no_next_time(string schedule, bool active)
    {
        var syncId = await CreateSyncAsync(JsonNode.Parse(schedule)!.AsObject(), active);

        var status = await Client.GetAsync($"/api/syncs/{syncId}/status");

        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Null(status.Data["next_execution_time"]);
        Assert.Empty(await GetTriggersAsync(syncId));
    }

    [Fact]
    public async Task RunAfter_has_no_next_time()
    {
        var upstream = await CreateSyncAsync(new JsonObject { ["frequency"] = "manual" });
        var syncId = await CreateSyncAsync(ScheduleValidationTests.RunAfter(upstream));

        Assert.Null(await GetNextExecutionTimeAsync(syncId));
        Assert.Empty(await GetTriggersAsync(syncId));
    }

    [Fact]
    public async Task Update_replaces_trigger_at_once()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "hourly", ["minute"] = "7" });
        var body = await GetSyncBodyAsync(syncId);
        body["schedule"] = new JsonObject { ["frequency"] = "daily", ["hour"] = "3", ["minute"] = "45" };

        var response = await Client.PutAsync($"/api/syncs/{syncId}", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var next = await GetNextExecutionTimeAsync(syncId);
        Assert.NotNull(next);
        Assert.Equal(3, next.Value.Hour);
        Assert.Equal(45, next.Value.Minute);
        Assert.Single(await GetTriggersAsync(syncId));
    }

    [Fact]
    public async Task Deactivate_removes_trigger()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "custom", ["minute"] = "*/5" });
        Assert.Single(await GetTriggersAsync(syncId));

        var deactivated = await Client.PostAsync($"/api/syncs/{syncId}/activate", new JsonObject { ["active"] = false });

        Assert.Equal(HttpStatusCode.OK, deactivated.Status);
        Assert.Empty(await GetTriggersAsync(syncId));
        Assert.Null(await GetNextExecutionTimeAsync(syncId));

        var reactivated = await Client.PostAsync($"/api/syncs/{syncId}/activate", new JsonObject { ["active"] = true });

        Assert.Equal(HttpStatusCode.OK, reactivated.Status);
        Assert.Single(await GetTriggersAsync(syncId));
        Assert.Equal(0, (await GetNextExecutionTimeAsync(syncId))!.Value.Minute % 5);
    }

    [Fact]
    public async Task Delete_removes_job()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "hourly", ["minute"] = "30" });
        var scheduler = await Server.GetService<ISchedulerFactory>().GetScheduler();
        var jobKey = new JobKey(syncId, QuartzSyncScheduler.Group);
        Assert.True(await scheduler.Exists(jobKey));

        var response = await Client.DeleteAsync($"/api/syncs/{syncId}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(await scheduler.Exists(jobKey));
    }

    [Fact]
    public async Task Fired_trigger_starts_scheduled_execution()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "daily", ["hour"] = "4", ["minute"] = "0" });
        var planned = await GetNextExecutionTimeAsync(syncId);
        var scheduler = await Server.GetService<ISchedulerFactory>().GetScheduler();

        // Fires the sync's schedule job now, as its trigger would at 04:00.
        await scheduler.TriggerJob(new JobKey(syncId, QuartzSyncScheduler.Group));
        var executions = await WaitForExecutionsAsync(syncId, list => list.Any(IsTerminal));

        var execution = Assert.Single(executions);
        Assert.Equal("scheduled", execution["type"]!.GetValue<string>());
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        Assert.Equal(planned, await GetNextExecutionTimeAsync(syncId));

        // The execution ends inside the job, so Quartz may still hold the one-shot trigger for a moment.
        await WaitForOneShotTriggerRemovedAsync(syncId);
        Assert.Single(await GetTriggersAsync(syncId));
    }

    [Fact]
    public async Task Fire_while_unfinished_is_skipped()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "daily", ["hour"] = "4", ["minute"] = "0" });
        var planned = await GetNextExecutionTimeAsync(syncId);
        var unfinishedId = await InsertUnfinishedExecutionAsync(syncId);
        var scheduler = await Server.GetService<ISchedulerFactory>().GetScheduler();

        await scheduler.TriggerJob(new JobKey(syncId, QuartzSyncScheduler.Group));

        await WaitForOneShotTriggerRemovedAsync(syncId);

        var execution = Assert.Single(await ListExecutionsAsync(syncId));
        Assert.Equal(unfinishedId.ToString(), execution["id"]!.GetValue<string>());
        Assert.Equal(planned, await GetNextExecutionTimeAsync(syncId));
    }

    [Fact]
    public async Task Repeated_fire_time_runs_once()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "daily", ["hour"] = "4", ["minute"] = "0" });
        var scheduler = await Server.GetService<ISchedulerFactory>().GetScheduler();
        var jobKey = new JobKey(syncId, QuartzSyncScheduler.Group);

        // A schedule trigger's name records its start time. Firing a trigger of that name twice is what a firing
        // repeated by Quartz's recovery looks like to the job.
        var fireTime = new DateTimeOffset(2025, 1, 1, 4, 0, 0, TimeSpan.Zero);
        var triggerKey = new TriggerKey($"{syncId}@20250101T040000.000Z", QuartzSyncScheduler.Group);
        await FireAndWaitAsync(scheduler, jobKey, triggerKey);
        var first = Assert.Single(await WaitForExecutionsAsync(syncId, list => list.Any(IsTerminal)));
        await FireAndWaitAsync(scheduler, jobKey, triggerKey);

        var execution = Assert.Single(await ListExecutionsAsync(syncId));
        Assert.Equal(first["id"]!.GetValue<string>(), execution["id"]!.GetValue<string>());
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        var stored = await Server.GetService<IExecutionStore>().GetByIdAsync(
            Guid.Parse(execution["id"]!.GetValue<string>()), CancellationToken.None);
        Assert.Equal(fireTime, stored!.ScheduledFor);
    }

    [Fact]
    public async Task Fire_after_store_deactivation_removes_schedule()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "custom", ["minute"] = "*/5" });
        var organizationId = Guid.Parse((await Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var syncs = Server.GetService<ISyncStore>();
        var sync = (await syncs.GetAsync(organizationId, Guid.Parse(syncId), CancellationToken.None))!;
        sync.Configuration = sync.Configuration with { Active = false };
        await syncs.UpdateAsync(sync, clearState: false, CancellationToken.None);
        var scheduler = await Server.GetService<ISchedulerFactory>().GetScheduler();

        // The store has the sync inactive but the trigger is still there, as when an api process deactivated the sync while
        // a worker's firing was between reading it and applying its next start.
        await FireAndWaitAsync(
            scheduler, new JobKey(syncId, QuartzSyncScheduler.Group), new TriggerKey(syncId + "@now", QuartzSyncScheduler.Group));

        Assert.Empty(await GetTriggersAsync(syncId));
        Assert.Empty(await ListExecutionsAsync(syncId));
    }

    [Fact]
    public async Task Continuous_runs_back_to_back()
    {
        var syncId = await CreateSyncAsync(new JsonObject { ["frequency"] = "continuous" });

        var executions = await WaitForExecutionsAsync(syncId, list => list.Count(IsTerminal) >= 3);
        await Client.PostAsync($"/api/syncs/{syncId}/activate", new JsonObject { ["active"] = false });

        var finished = executions.Where(IsTerminal).Take(3).ToList();
        Assert.All(finished, execution => Assert.Equal("scheduled", execution["type"]!.GetValue<string>()));
        Assert.All(finished, execution => Assert.Equal("completed", execution["status"]!.GetValue<string>()));
        for (var i = 1; i < finished.Count; i++)
        {
            var previousStart = Time(finished[i - 1], "started_at");
            var previousEnd = Time(finished[i - 1], "completed_at");
            var start = Time(finished[i], "started_at");
            Assert.True(start >= previousEnd, $"execution {i} started at {start:O}, before the previous one ended at {previousEnd:O}");
            Assert.True(
                start - previousStart >= ScheduleServerFixture.ContinuousInterval - TimeSpan.FromMilliseconds(5),
                $"execution {i} started {(start - previousStart).TotalMilliseconds} ms after the previous one");
        }

        Assert.Null(await GetNextExecutionTimeAsync(syncId));
    }

    [Fact]
    public async Task RunAfter_chain_runs_in_order()
    {
        var first = await CreateSyncAsync(new JsonObject { ["frequency"] = "manual" });
        var second = await CreateSyncAsync(ScheduleValidationTests.RunAfter(first));
        var thirdSchedule = ScheduleValidationTests.RunAfter(second);
        thirdSchedule["run_after_success_only"] = true;
        var third = await CreateSyncAsync(thirdSchedule);

        var start = await Client.SendAsync(HttpMethod.Post, $"/api/syncs/{first}/executions");
        Assert.Equal(HttpStatusCode.OK, start.Status);

        var thirdRuns = await WaitForExecutionsAsync(third, list => list.Any(IsTerminal));
        var firstRun = Assert.Single(await ListExecutionsAsync(first));
        var secondRun = Assert.Single(await ListExecutionsAsync(second));
        var thirdRun = Assert.Single(thirdRuns);
        Assert.Equal("scheduled", secondRun["type"]!.GetValue<string>());
        Assert.Equal("scheduled", thirdRun["type"]!.GetValue<string>());
        Assert.True(Time(secondRun, "created_at") >= Time(firstRun, "completed_at"));
        Assert.True(Time(thirdRun, "created_at") >= Time(secondRun, "completed_at"));
    }

    [Fact]
    public async Task RunAfter_success_only_skips_failed_upstream()
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(Server, Client, TestObjects.PeopleSql, "source");
        var model = await TestObjects.CreateModelAsync(Client, source);
        var modelId = model["id"]!.GetValue<string>();
        var target = await TestObjects.CreateSqliteConnectionAsync(Server, Client, TestObjects.ContactsSql, "target");
        var upstream = await CreateSyncAsync(new JsonObject { ["frequency"] = "manual" }, modelId: modelId, targetId: target);
        var strictSchedule = ScheduleValidationTests.RunAfter(upstream);
        strictSchedule["run_after_success_only"] = true;
        var strict = await CreateSyncAsync(strictSchedule);
        var lenient = await CreateSyncAsync(ScheduleValidationTests.RunAfter(upstream));
        await DropPeopleTableAsync(source);

        await Client.SendAsync(HttpMethod.Post, $"/api/syncs/{upstream}/executions");
        await WaitForExecutionsAsync(lenient, list => list.Any(IsTerminal));

        Assert.Equal("failed", Assert.Single(await ListExecutionsAsync(upstream))["status"]!.GetValue<string>());
        Assert.Empty(await ListExecutionsAsync(strict));
    }

    private async Task<string> CreateSyncAsync(
        JsonObject schedule, bool active = true, string? modelId = null, string? targetId = null)
    {
        if (modelId is null || targetId is null)
        {
            var source = await TestObjects.CreateSqliteConnectionAsync(Server, Client, TestObjects.PeopleSql, "source");
            modelId = (await TestObjects.CreateModelAsync(Client, source))["id"]!.GetValue<string>();
            targetId = await TestObjects.CreateSqliteConnectionAsync(Server, Client, TestObjects.ContactsSql, "target");
        }

        var body = TestObjects.SyncBody(modelId, targetId, active);
        body["schedule"] = schedule;
        var response = await Client.PostAsync("/api/syncs", body);
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Data["id"]!.GetValue<string>();
    }

    /// <summary>Fires the job once with a trigger of the given key and waits until Quartz has removed that trigger.</summary>
    private static async Task FireAndWaitAsync(IScheduler scheduler, JobKey jobKey, TriggerKey triggerKey)
    {
        await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity(triggerKey).ForJob(jobKey).StartNow().Build());
        var deadline = TimeProvider.System.GetUtcNow() + PollTimeout;
        while (await scheduler.Exists(triggerKey))
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"trigger {triggerKey} did not fire and finish");
            await Task.Delay(50);
        }
    }

    private async Task<JsonObject> GetSyncBodyAsync(string syncId)
    {
        var body = (await Client.GetAsync($"/api/syncs/{syncId}")).Data.AsObject();
        body.Remove("id");
        return body;
    }

    private async Task<DateTimeOffset?> GetNextExecutionTimeAsync(string syncId)
    {
        var status = await Client.GetAsync($"/api/syncs/{syncId}/status");
        Assert.True(status.Status == HttpStatusCode.OK, status.Text);
        var text = status.Data["next_execution_time"]?.GetValue<string>();
        return text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until Quartz removes the one-shot trigger that TriggerJob added, which it does once the job has run.</summary>
    private async Task WaitForOneShotTriggerRemovedAsync(string syncId)
    {
        var deadline = TimeProvider.System.GetUtcNow() + PollTimeout;
        while ((await GetTriggersAsync(syncId)).Count > 1)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "the fired job did not finish");
            await Task.Delay(50);
        }
    }

    private async Task<IReadOnlyCollection<ITrigger>> GetTriggersAsync(string syncId)
    {
        var scheduler = await Server.GetService<ISchedulerFactory>().GetScheduler();
        return await scheduler.GetTriggersOfJob(new JobKey(syncId, QuartzSyncScheduler.Group));
    }

    private async Task<List<JsonNode>> ListExecutionsAsync(string syncId)
    {
        var response = await Client.GetAsync($"/api/syncs/{syncId}/executions?ascending=true");
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        return response.Data.AsArray().Select(node => node!).ToList();
    }

    private async Task<List<JsonNode>> WaitForExecutionsAsync(string syncId, Func<List<JsonNode>, bool> done)
    {
        var deadline = TimeProvider.System.GetUtcNow() + PollTimeout;
        while (true)
        {
            var executions = await ListExecutionsAsync(syncId);
            if (done(executions))
            {
                return executions;
            }

            Assert.True(
                TimeProvider.System.GetUtcNow() < deadline,
                $"sync {syncId} has {executions.Count} executions after {PollTimeout.TotalSeconds} s: "
                + string.Join(", ", executions.Select(execution => execution["status"])));
            await Task.Delay(100);
        }
    }

    /// <summary>Inserts a <c>created</c> execution of the sync without dispatching it, so it stays unfinished.</summary>
    private async Task<Guid> InsertUnfinishedExecutionAsync(string syncId)
    {
        var organizationId = Guid.Parse((await Client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var sync = (await Server.GetService<ISyncStore>().GetAsync(organizationId, Guid.Parse(syncId), CancellationToken.None))!;
        var execution = new Execution
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            SyncId = sync.Id,
            Status = ExecutionStatus.Created,
            Type = ExecutionTypes.Manual,
            CreatedAt = TimeProvider.System.GetUtcNow(),
            Configuration = sync.Configuration,
        };
        var (stored, created) = await Server.GetService<IExecutionStore>().CreateIfIdleAsync(execution, CancellationToken.None);
        Assert.True(created);
        return stored.Id;
    }

    private async Task DropPeopleTableAsync(string connectionId)
    {
        var connection = await Client.GetAsync($"/api/connections/{connectionId}");
        var path = connection.Data["configuration"]!["path"]!.GetValue<string>();
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(Server.FilesRoot, path), Pooling = false };
        await using var sqlite = new SqliteConnection(builder.ToString());
        await sqlite.OpenAsync();
        await using var command = sqlite.CreateCommand();
        command.CommandText = "DROP TABLE people";
        await command.ExecuteNonQueryAsync();
    }

    private static bool IsTerminal(JsonNode execution) =>
        execution["status"]!.GetValue<string>() is "completed" or "failed" or "canceled" or "interrupted";

    private static DateTimeOffset Time(JsonNode execution, string name) =>
        DateTimeOffset.Parse(execution[name]!.GetValue<string>(), CultureInfo.InvariantCulture);
}
