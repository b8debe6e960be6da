using Npgsql;
using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

/// <summary>
/// A cancel request stops an execution that is waiting rather than working: on a model query that has not
/// returned its first row, or between retries of a failing write.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CancellationTests(PostgresFixture postgres)
{
    // Far longer than any test run, so only a cancel request can end these waits.
    private static readonly TimeSpan Forever = TimeSpan.FromMinutes(30);

    // A guard that keeps a broken build from hanging the suite; a working cancel finishes in seconds.
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Cancel_during_model_query_stops_query_on_server()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.PostgreSql, SourceKind.PostgreSql);
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var seconds = (int)Forever.TotalSeconds;
        var model = await harness.CreateModelAsync(
            $"SELECT 1::bigint AS id, 'Ada'::text AS name FROM pg_sleep({seconds})", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");
        var execution = await harness.CreateExecutionAsync(sync);

        var run = Task.Run(() => harness.Runner.RunAsync(execution.Id, CancellationToken.None));
        await WaitUntilAsync(async () => await CountSleepingQueriesAsync(harness.SourceDatabase!) > 0);
        Assert.True(await harness.Executions.RequestCancelAsync(execution.Id, CancellationToken.None));
        await run.WaitAsync(Guard);

        var stored = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Canceled, stored!.Status);
        Assert.Empty(stored.Errors);
        Assert.Equal(0L, await harness.QueryTargetScalarAsync("SELECT count(*) FROM people"));
        await WaitUntilAsync(async () => await CountSleepingQueriesAsync(harness.SourceDatabase!) == 0);
    }

    [Fact]
    public async Task Cancel_during_retry_backoff_stops_waiting()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await EngineHarness.CreateAsync(postgres, batchSize: 2, flakyTarget: flaky, retryBaseDelay: Forever);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')");
        await harness.ExecuteTargetAsync("CREATE TABLE people (id bigint PRIMARY KEY, name text)");
        var model = await harness.CreateModelAsync("SELECT id, name FROM people ORDER BY id", "id", "name");
        var sync = await harness.CreateSyncAsync(model, SyncMode.UpdateOrCreate, "public.people", "id", "name");

        // The first batch is written, and the second fails and waits for its retry.
        flaky.Reset(failFromCall: 2, failureCount: 100);
        var execution = await harness.CreateExecutionAsync(sync);
        var run = Task.Run(() => harness.Runner.RunAsync(execution.Id, CancellationToken.None));
        await WaitUntilAsync(() => Task.FromResult(flaky.WriteCalls >= 2));
        Assert.True(await harness.Executions.RequestCancelAsync(execution.Id, CancellationToken.None));
        await run.WaitAsync(Guard);

        var stored = await harness.Executions.GetByIdAsync(execution.Id, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Canceled, stored!.Status);
        Assert.Equal(2, flaky.WriteCalls);
        Assert.Equal(new ExecutionCounts(Total: 2, Insert: 2, Upserts: 2), stored.Counts);
        Assert.Equal([1L, 2L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));

        // The next execution writes only what the canceled one did not.
        flaky.Reset();
        var next = await harness.RunAsync(sync);
        Assert.Equal(ExecutionStatus.Completed, next.Status);
        Assert.Equal(new ExecutionCounts(Total: 1, Insert: 1, Upserts: 1), next.Counts);
        Assert.Equal([1L, 2L, 3L], await harness.QueryTargetIdsAsync("SELECT id FROM people ORDER BY id"));
    }

    private static async Task<long> CountSleepingQueriesAsync(PostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep(%' AND pid <> pg_backend_pid()",
            connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (!await condition())
        {
            await Task.Delay(50, guard.Token);
        }
    }
}
