using System.Globalization;
using System.Text;
using Npgsql;
using Outflow.Testing;
using Xunit.Abstractions;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs many <c>replace</c> syncs on a one-minute cron schedule in the distributed mode for several minutes. Meanwhile a
/// driver changes about 1% of every source table each minute, and workers are killed with SIGKILL and replaced.
/// Then checks the store's executions and every target. Sized by OUTFLOW_SOAK_SYNCS, OUTFLOW_SOAK_ROWS,
/// OUTFLOW_SOAK_MINUTES, OUTFLOW_SOAK_KILLS and OUTFLOW_SOAK_WORKERS; scripts/soak.sh runs it at full size.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
[Trait("Category", "Soak")]
public sealed class SoakTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeProvider Clock = TimeProvider.System;

    [Fact]
    public async Task Scheduled_syncs_survive_worker_kills()
    {
        var syncCount = Setting("OUTFLOW_SOAK_SYNCS", 20);
        var rows = Setting("OUTFLOW_SOAK_ROWS", 1_000);
        var minutes = Setting("OUTFLOW_SOAK_MINUTES", 3);
        var kills = Setting("OUTFLOW_SOAK_KILLS", 2);
        var workerCount = Setting("OUTFLOW_SOAK_WORKERS", 2);

        await using var cluster = await ClusterHarness.StartAsync(postgres, workerCount);
        var data = await cluster.CreateDatabaseAsync();
        await CreateTablesAsync(data, syncCount, rows);
        var sourceId = await cluster.CreateConnectionAsync("source", "postgresql", data.Configuration);
        var targetId = await cluster.CreateConnectionAsync("target", "postgresql", data.Configuration);
        var everyMinute = new { frequency = "custom", minute = "*", hour = "*", day_of_month = "*", month = "*", day_of_week = "*" };
        var syncIds = new List<string>();
        for (var i = 0; i < syncCount; i++)
        {
            var modelId = await cluster.CreateTableModelAsync($"source {i}", sourceId, $"public.source_{i}");
            syncIds.Add(await cluster.CreateRowsSyncAsync($"soak {i}", modelId, targetId, $"public.target_{i}", everyMinute));
        }

        // The first minute checked is the first fire time after every sync exists.
        var firstMinute = Truncate(Clock.GetUtcNow()) + Minute;
        var end = firstMinute + TimeSpan.FromMinutes(minutes);
        using var stop = new CancellationTokenSource();
        var driver = DriveChangesAsync(data, syncCount, rows, stop.Token);

        // Kill k falls in a later minute each time, at a different offset after the fire time. It waits up to 20
        // seconds for a running execution and kills the worker that runs it, or else kills the oldest worker.
        var killTimes = new List<DateTimeOffset>();
        for (var k = 0; k < kills; k++)
        {
            var minute = firstMinute + TimeSpan.FromMinutes(((long)k * minutes / Math.Max(kills, 1)) % Math.Max(minutes, 1));
            await DelayUntilAsync(minute + TimeSpan.FromMilliseconds(new[] { 200, 1_500, 500, 3_000, 100, 8_000 }[k % 6]));
            var victim = await ChooseVictimAsync(cluster);
            for (var waited = 0; victim.ExecutionId is null && waited < 200; waited++)
            {
                await Task.Delay(100);
                victim = await ChooseVictimAsync(cluster);
            }

            await cluster.KillWorkerAsync(victim.Worker);
            killTimes.Add(Clock.GetUtcNow());
            output.WriteLine($"{Clock.GetUtcNow():O} killed a worker {(victim.ExecutionId is null ? "with no running execution" : "running execution " + victim.ExecutionId)}");
            await cluster.StartWorkerAsync();
        }

        await DelayUntilAsync(end);

        // The driver stops first, and the schedules stay on until every sync has completed an execution created
        // after the last change, so every target ends up compared with the final source.
        await stop.CancelAsync();
        await driver;
        var lastChange = Clock.GetUtcNow();
        await WaitForExecutionsAfterAsync(cluster, syncIds, lastChange, TimeSpan.FromMinutes(10));
        foreach (var syncId in syncIds)
        {
            await cluster.Client.PostAsync($"api/syncs/{syncId}/activate", new { active = false });
        }

        var deactivatedAt = Clock.GetUtcNow();
        foreach (var syncId in syncIds)
        {
            await cluster.WaitForLastExecutionAsync(syncId, TimeSpan.FromMinutes(10));
        }

        var problems = new StringBuilder();
        var executions = await ReadExecutionsAsync(cluster.Store);
        output.WriteLine($"{executions.Count} executions, kills at {string.Join(", ", killTimes.Select(time => time.ToString("O", CultureInfo.InvariantCulture)))}");
        CheckFinished(executions, problems);
        CheckNoOverlap(executions, problems);
        var gaps = CheckOneExecutionPerMinute(executions, syncIds, firstMinute, Truncate(deactivatedAt), killTimes, problems);
        output.WriteLine($"checked the minutes {firstMinute:HH:mm} to {Truncate(deactivatedAt) - Minute:HH:mm}; {gaps.Count} sync minutes had no execution:");
        foreach (var gap in gaps)
        {
            output.WriteLine(gap);
        }

        for (var i = 0; i < syncCount; i++)
        {
            await CompareAsync(data, i, syncIds[i], problems);
        }

        if (problems.Length > 0)
        {
            output.WriteLine(cluster.DescribeProblems());
        }

        Assert.True(problems.Length == 0, problems.ToString());
    }

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.Year, time.Month, time.Day, time.Hour, time.Minute, 0, TimeSpan.Zero);

    private static async Task DelayUntilAsync(DateTimeOffset time)
    {
        var wait = time - Clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private static async Task CreateTablesAsync(PostgresDatabase data, int syncCount, int rows)
    {
        await using var connection = new NpgsqlConnection(data.ConnectionString);
        await connection.OpenAsync();
        for (var i = 0; i < syncCount; i++)
        {
            await using var command = new NpgsqlCommand(
                $"""
                CREATE TABLE public.source_{i} (id bigint PRIMARY KEY, name text);
                INSERT INTO public.source_{i} SELECT n, 'row ' || n FROM generate_series(1, {rows}) AS n;
                CREATE TABLE public.target_{i} (id bigint PRIMARY KEY, name text);
                """,
                connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Changes every source table once a minute until canceled: updates 0.5% of the rows and deletes and inserts
    /// 0.25% each, at a varying offset within the minute. Inserted ids continue past the largest id.
    /// </summary>
    private static async Task DriveChangesAsync(PostgresDatabase data, int syncCount, int rows, CancellationToken cancellationToken)
    {
        var step = Math.Max(rows / 400, 1);
        for (var round = 0; !cancellationToken.IsCancellationRequested; round++)
        {
            await using (var connection = new NpgsqlConnection(data.ConnectionString))
            {
                await connection.OpenAsync(CancellationToken.None);
                for (var i = 0; i < syncCount; i++)
                {
                    await using var command = new NpgsqlCommand(
                        $"""
                        UPDATE public.source_{i} SET name = name || ' r{round}' WHERE id % 200 = {round % 200};
                        DELETE FROM public.source_{i} WHERE id IN (SELECT id FROM public.source_{i} ORDER BY id OFFSET {round} LIMIT {step});
                        INSERT INTO public.source_{i} SELECT m + n, 'new ' || (m + n) FROM (SELECT max(id) AS m FROM public.source_{i}) AS t, generate_series(1, {step}) AS n;
                        """,
                        connection);
                    await command.ExecuteNonQueryAsync(CancellationToken.None);
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(47 + (round * 13 % 26)), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until every sync has a completed execution created after <paramref name="after"/>.</summary>
    private static async Task WaitForExecutionsAfterAsync(ClusterHarness cluster, List<string> syncIds, DateTimeOffset after, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var executions = await ReadExecutionsAsync(cluster.Store);
            var waiting = syncIds.Where(syncId => !executions.Any(execution =>
                string.Equals(execution.SyncId, syncId, StringComparison.OrdinalIgnoreCase)
                && execution.Status == "completed"
                && execution.CreatedAt > after.ToUnixTimeMilliseconds())).ToList();
            if (waiting.Count == 0)
            {
                return;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException(
                    $"{waiting.Count} syncs had no completed execution after {after:O} within {timeout}, such as {waiting[0]}\n{cluster.DescribeProblems()}");
            }

            await Task.Delay(1_000);
        }
    }

    /// <summary>Picks a worker that logged the start of an execution still running, or else the oldest worker.</summary>
    private static async Task<(OutflowProcess Worker, string? ExecutionId)> ChooseVictimAsync(ClusterHarness cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.Store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM executions WHERE status = 'running' ORDER BY started_at", connection);
        var running = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                running.Add(reader.GetString(0));
            }
        }

        foreach (var executionId in running)
        {
            if (cluster.Workers.FirstOrDefault(worker => worker.LoggedStart(executionId)) is { } owner)
            {
                return (owner, executionId);
            }
        }

        return (cluster.Workers[0], null);
    }

    private sealed record StoredExecution(
        string Id, string SyncId, string Status, string Type, long CreatedAt, long? StartedAt, long? CompletedAt, long Errors)
    {
        public override string ToString() =>
            $"{Id} ({Type}, {Status}, {Errors} errors, created {Time(CreatedAt)}, started {Time(StartedAt)}, completed {Time(CompletedAt)})";

        private static string Time(long? milliseconds) =>
            milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "never";
    }

    private static async Task<List<StoredExecution>> ReadExecutionsAsync(PostgresDatabase store)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, sync_id, status, type, created_at, started_at, completed_at, count_error FROM executions ORDER BY sync_id, created_at",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var executions = new List<StoredExecution>();
        while (await reader.ReadAsync())
        {
            executions.Add(new StoredExecution(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.GetInt64(7)));
        }

        return executions;
    }

    private static void CheckFinished(List<StoredExecution> executions, StringBuilder problems)
    {
        foreach (var execution in executions.Where(execution => execution.Status != "completed" || execution.Errors != 0))
        {
            problems.AppendLine(CultureInfo.InvariantCulture, $"sync {execution.SyncId}: execution {execution} did not complete without errors");
        }
    }

    private static void CheckNoOverlap(List<StoredExecution> executions, StringBuilder problems)
    {
        foreach (var sync in executions.GroupBy(execution => execution.SyncId))
        {
            var ordered = sync.Where(execution => execution.StartedAt is not null).OrderBy(execution => execution.StartedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i - 1].CompletedAt is not { } previousEnd || previousEnd > ordered[i].StartedAt)
                {
                    problems.AppendLine(CultureInfo.InvariantCulture, $"sync {sync.Key}: execution {ordered[i - 1]} overlaps {ordered[i]}");
                }
            }
        }
    }

    /// <summary>
    /// Checks every minute from <paramref name="firstMinute"/> to the minute before <paramref name="lastMinute"/>: each
    /// sync has at most one scheduled execution created in it, and none only when an earlier execution of the sync was
    /// still unfinished at the fire time (the documented skip) or a worker was killed within a minute of it (a
    /// takeover). Returns a description of each sync minute that had no execution for one of those reasons.
    /// </summary>
    private static List<string> CheckOneExecutionPerMinute(
        List<StoredExecution> executions, List<string> syncIds, DateTimeOffset firstMinute, DateTimeOffset lastMinute,
        List<DateTimeOffset> killTimes, StringBuilder problems)
    {
        var gaps = new List<string>();
        foreach (var syncId in syncIds)
        {
            var ofSync = executions.Where(execution => string.Equals(execution.SyncId, syncId, StringComparison.OrdinalIgnoreCase)).ToList();
            for (var minute = firstMinute; minute < lastMinute; minute += Minute)
            {
                var start = minute.ToUnixTimeMilliseconds();
                var fired = ofSync.Where(execution => execution.Type == "scheduled"
                    && execution.CreatedAt >= start && execution.CreatedAt < start + 60_000).ToList();
                if (fired.Count > 1)
                {
                    problems.AppendLine(CultureInfo.InvariantCulture, $"sync {syncId}: {fired.Count} scheduled executions at {minute:HH:mm}: {string.Join("; ", fired)}");
                }
                else if (fired.Count == 0)
                {
                    var busy = ofSync.FirstOrDefault(execution => execution.CreatedAt < start && (execution.CompletedAt is null || execution.CompletedAt > start));
                    var takeover = killTimes.Any(kill => (kill - minute).Duration() <= Minute);
                    if (busy is not null)
                    {
                        gaps.Add($"sync {syncId} at {minute:HH:mm}: execution {busy} was unfinished");
                    }
                    else if (takeover)
                    {
                        gaps.Add($"sync {syncId} at {minute:HH:mm}: a worker was killed within a minute");
                    }
                    else
                    {
                        problems.AppendLine(CultureInfo.InvariantCulture, $"sync {syncId}: no scheduled execution at {minute:HH:mm}; its executions: {string.Join("; ", ofSync)}");
                    }
                }
            }
        }

        return gaps;
    }

    /// <summary>
    /// Compares a target table with its source in both directions. The target's primary key rules out duplicate ids,
    /// so the comparison needs no separate duplicate check.
    /// </summary>
    private static async Task CompareAsync(PostgresDatabase data, int index, string syncId, StringBuilder problems)
    {
        await using var connection = new NpgsqlConnection(data.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            SELECT
                (SELECT count(*) FROM (SELECT id, name FROM public.source_{index} EXCEPT SELECT id, name FROM public.target_{index}) AS missing),
                (SELECT count(*) FROM (SELECT id, name FROM public.target_{index} EXCEPT SELECT id, name FROM public.source_{index}) AS extra),
                (SELECT count(*) FROM public.source_{index})
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (missing, extra, sourceRows) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        if (missing != 0 || extra != 0)
        {
            problems.AppendLine(CultureInfo.InvariantCulture,
                $"sync {syncId}: target_{index} differs from source_{index} ({sourceRows} rows): {missing} source rows missing or different, {extra} rows extra or different");
        }
    }
}
