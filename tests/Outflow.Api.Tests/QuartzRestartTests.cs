using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Hosting;
using Outflow.Scheduling;
using Quartz;

namespace Outflow.Api.Tests;

/// <summary>
/// Checks that the embedded server keeps Quartz triggers in its SQLite store: a trigger due while the server is
/// down fires once after the restart (fire-now misfire handling), and the execution it carries runs once.
/// </summary>
public sealed class QuartzRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-quartz-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Trigger_due_during_restart_fires_once()
    {
        var settings = new ServerSettings
        {
            DataDirectory = _dataDirectory,
            Urls = "http://127.0.0.1:0",
            BootstrapKey = ApiServerFixture.AdminKey,
        };
        var authorization = new AuthenticationHeaderValue("Bearer", ApiServerFixture.AdminKey);
        var targetPath = Path.Combine(_dataDirectory, "files", "target.sqlite");
        Guid executionId;
        DateTimeOffset fireAt;
        await using (var first = await OutflowServer.StartAsync(settings, CancellationToken.None))
        {
            using var client = new ApiClient(first.BaseAddress, authorization);
            var syncId = await CreateSyncAsync(client, targetPath);
            executionId = await InsertExecutionAsync(first.Services, client, syncId);

            // The trigger has the dispatcher's identity and job, but is due after the server has stopped.
            fireAt = TimeProvider.System.GetUtcNow().AddSeconds(2);
            var scheduler = await first.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            await scheduler.AddJob(
                JobBuilder.Create<SyncExecutionJob>().WithIdentity(syncId.ToString(), "syncs").StoreDurably().RequestRecovery().Build(),
                AddJobOptions.Replacing);
            await scheduler.ScheduleJob(TriggerBuilder.Create()
                .WithIdentity(executionId.ToString(), "executions")
                .ForJob(syncId.ToString(), "syncs")
                .UsingJobData(SyncExecutionJob.ExecutionIdKey, executionId.ToString())
                .StartAt(fireAt)
                .WithSimpleSchedule(schedule => schedule.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build());
        }

        Assert.Equal(0, await CountContactsAsync(targetPath));
        Assert.Equal(1, await CountAsync(
            Path.Combine(_dataDirectory, "outflow.db"), $"SELECT count(*) FROM qrtz_triggers WHERE trigger_name = '{executionId}'"));
        var wait = fireAt - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await using var second = await OutflowServer.StartAsync(settings, CancellationToken.None);
        var executions = second.Services.GetRequiredService<IExecutionStore>();
        var execution = await WaitForTerminalAsync(executions, executionId);
        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(3, execution.Counts.Insert);
        Assert.Equal(3, await CountContactsAsync(targetPath));

        // Quartz deletes the one-shot trigger when the job returns, a moment after the runner stored the status.
        var secondScheduler = await second.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var triggerKey = new TriggerKey(executionId.ToString(), "executions");
        for (var attempt = 0; attempt < 50 && await secondScheduler.Exists(triggerKey); attempt++)
        {
            await Task.Delay(100);
        }

        Assert.False(await secondScheduler.Exists(triggerKey));

        // A second firing would have started the execution again and logged a second start entry.
        var console = second.Services.GetRequiredService<IExecutionConsoleLog>();
        var entries = await console.ListAsync(executionId, null, IExecutionConsoleLog.RetainedEntries, CancellationToken.None);
        Assert.Single(entries, entry => entry.Message.StartsWith("Execution started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_dispatches_orphaned_queued_execution()
    {
        var settings = new ServerSettings
        {
            DataDirectory = _dataDirectory,
            Urls = "http://127.0.0.1:0",
            BootstrapKey = ApiServerFixture.AdminKey,
            RecoverySweepInterval = TimeSpan.FromSeconds(1),
        };
        var authorization = new AuthenticationHeaderValue("Bearer", ApiServerFixture.AdminKey);
        var targetPath = Path.Combine(_dataDirectory, "files", "target.sqlite");
        await using var server = await OutflowServer.StartAsync(settings, CancellationToken.None);
        using var client = new ApiClient(server.BaseAddress, authorization);
        var syncId = await CreateSyncAsync(client, targetPath);

        // Queued and older than the sweep interval, with no trigger: the state a process leaves behind when it stops
        // between requeuing an execution and handing it back.
        var executionId = await InsertExecutionAsync(
            server.Services, client, syncId, ExecutionStatus.Queued, TimeProvider.System.GetUtcNow().AddMinutes(-5));
        var scheduler = await server.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.Empty(await scheduler.GetTriggersOfJob(new JobKey(syncId.ToString(), "syncs")));

        var execution = await WaitForTerminalAsync(server.Services.GetRequiredService<IExecutionStore>(), executionId);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(3, execution.Counts.Insert);
        Assert.Equal(3, await CountContactsAsync(targetPath));
        var console = server.Services.GetRequiredService<IExecutionConsoleLog>();
        var entries = await console.ListAsync(executionId, null, IExecutionConsoleLog.RetainedEntries, CancellationToken.None);
        Assert.Single(entries, entry => entry.Message.StartsWith("Execution started", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static async Task<Guid> CreateSyncAsync(ApiClient client, string targetPath)
    {
        var sourcePath = Path.Combine(Path.GetDirectoryName(targetPath)!, "source.sqlite");
        await RunSqlAsync(sourcePath, TestObjects.PeopleSql);
        await RunSqlAsync(targetPath, TestObjects.ContactsSql);
        var source = await CreateConnectionAsync(client, "source", Path.GetFileName(sourcePath));
        var target = await CreateConnectionAsync(client, "target", Path.GetFileName(targetPath));
        var model = await TestObjects.CreateModelAsync(client, source);
        var response = await client.PostAsync("/api/syncs", TestObjects.SyncBody(model["id"]!.GetValue<string>(), target));
        Assert.True(response.Status == System.Net.HttpStatusCode.OK, response.Text);
        return Guid.Parse(response.Data["id"]!.GetValue<string>());
    }

    private static async Task<string> CreateConnectionAsync(ApiClient client, string name, string path)
    {
        var response = await client.PostAsync(
            "/api/connections",
            new JsonObject { ["name"] = name, ["type"] = "sqlite", ["configuration"] = new JsonObject { ["path"] = path } });
        Assert.True(response.Status == System.Net.HttpStatusCode.OK, response.Text);
        return response.Data["id"]!.GetValue<string>();
    }

    private static async Task<Guid> InsertExecutionAsync(
        IServiceProvider services, ApiClient client, Guid syncId,
        ExecutionStatus status = ExecutionStatus.Created, DateTimeOffset? createdAt = null)
    {
        var organizationId = Guid.Parse((await client.GetAsync("/api/me")).Data["organization_id"]!.GetValue<string>());
        var sync = (await services.GetRequiredService<ISyncStore>().GetAsync(organizationId, syncId, CancellationToken.None))!;
        var (stored, created) = await services.GetRequiredService<IExecutionStore>().CreateIfIdleAsync(
            new Execution
            {
                Id = Guid.NewGuid(),
                OrganizationId = organizationId,
                SyncId = syncId,
                Status = status,
                Type = ExecutionTypes.Manual,
                CreatedAt = createdAt ?? TimeProvider.System.GetUtcNow(),
                Configuration = sync.Configuration,
            },
            CancellationToken.None);
        Assert.True(created);
        return stored.Id;
    }

    private static async Task<Execution> WaitForTerminalAsync(IExecutionStore executions, Guid executionId)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var execution = (await executions.GetByIdAsync(executionId, CancellationToken.None))!;
            if (execution.Status.IsTerminal())
            {
                return execution;
            }

            Assert.True(
                TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(120),
                $"execution {executionId} is still {execution.Status.ToWire()} after 120 seconds");
            await Task.Delay(100);
        }
    }

    private static async Task RunSqlAsync(string path, string sql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static Task<long> CountContactsAsync(string path) => CountAsync(path, "SELECT count(*) FROM contacts");

    private static async Task<long> CountAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
