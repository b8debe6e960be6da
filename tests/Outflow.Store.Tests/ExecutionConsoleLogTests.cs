using System.Text.Json.Nodes;
using Outflow.Core.Executions;
using Outflow.Testing;

namespace Outflow.Store.Tests;

/// <summary>Runs on both back ends through the derived classes in Sqlite/ and PostgreSql/.</summary>
public abstract class ExecutionConsoleLogTests(PostgresFixture? postgres)
{
    private static readonly DateTimeOffset Instant = TestStore.BaseTime.AddMinutes(10);

    [Fact]
    public async Task Append_same_millisecond_numbers_entries_in_order()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);

        var appended = new List<ConsoleLogEntry>();
        for (var i = 0; i < 4; i++)
        {
            appended.Add(await AppendAsync(store.ConsoleLog, execution.Id, Instant, $"entry {i}"));
        }

        var milliseconds = Instant.ToUnixTimeMilliseconds();
        Assert.Equal(
            [$"{milliseconds}-0", $"{milliseconds}-1", $"{milliseconds}-2", $"{milliseconds}-3"],
            appended.Select(entry => entry.Id.ToString()));
        var listed = await store.ConsoleLog.ListAsync(execution.Id, null, 50, CancellationToken.None);
        Assert.Equal(["entry 0", "entry 1", "entry 2", "entry 3"], listed.Select(entry => entry.Message));
        Assert.Equal(appended.Select(entry => entry.Id), listed.Select(entry => entry.Id));
    }

    [Fact]
    public async Task Append_later_millisecond_restarts_sequence()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);

        await AppendAsync(store.ConsoleLog, execution.Id, Instant, "first");
        await AppendAsync(store.ConsoleLog, execution.Id, Instant, "second");
        var later = await AppendAsync(store.ConsoleLog, execution.Id, Instant.AddMilliseconds(1), "third");

        Assert.Equal(new ConsoleLogCursor(Instant.ToUnixTimeMilliseconds() + 1, 0), later.Id);
    }

    [Fact]
    public async Task Append_clock_going_back_keeps_ids_ordered()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);

        var first = await AppendAsync(store.ConsoleLog, execution.Id, Instant, "first");
        var second = await AppendAsync(store.ConsoleLog, execution.Id, Instant.AddSeconds(-5), "second");

        Assert.True(second.Id.CompareTo(first.Id) > 0, $"{second.Id} is not after {first.Id}");
        Assert.Equal(Instant, second.Timestamp);
    }

    [Fact]
    public async Task Append_stores_level_message_and_payload()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var payload = new JsonObject { ["rows"] = 1500L, ["status"] = "completed" };

        await store.ConsoleLog.AppendAsync(
            execution.Id, Instant, ConsoleLogLevels.Warn, "batch retried", payload, CancellationToken.None);
        await store.ConsoleLog.AppendAsync(
            execution.Id, Instant, ConsoleLogLevels.Info, "no payload", null, CancellationToken.None);

        var listed = await store.ConsoleLog.ListAsync(execution.Id, null, 50, CancellationToken.None);
        Assert.Equal(2, listed.Count);
        Assert.Equal(ConsoleLogLevels.Warn, listed[0].Level);
        Assert.Equal("batch retried", listed[0].Message);
        Assert.Equal(Instant, listed[0].Timestamp);
        Assert.Equal(1500L, listed[0].Payload!["rows"]!.GetValue<long>());
        Assert.Equal("completed", listed[0].Payload!["status"]!.GetValue<string>());
        Assert.Null(listed[1].Payload);
    }

    [Fact]
    public async Task Append_beyond_retention_prunes_oldest()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var other = await AddExecutionAsync(store);
        var log = store.CreateConsoleLog(retainedEntries: 5);
        await AppendAsync(log, other.Id, Instant, "other execution");

        for (var i = 0; i < 8; i++)
        {
            await AppendAsync(log, execution.Id, Instant.AddMilliseconds(i), $"entry {i}");
        }

        var listed = await log.ListAsync(execution.Id, null, 50, CancellationToken.None);
        Assert.Equal(["entry 3", "entry 4", "entry 5", "entry 6", "entry 7"], listed.Select(entry => entry.Message));
        Assert.Single(await log.ListAsync(other.Id, null, 50, CancellationToken.None));
    }

    [Fact]
    public async Task List_without_cursor_returns_newest_oldest_first()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        await AppendManyAsync(store, execution.Id, 10);

        var listed = await store.ConsoleLog.ListAsync(execution.Id, null, 3, CancellationToken.None);

        Assert.Equal(["entry 7", "entry 8", "entry 9"], listed.Select(entry => entry.Message));
    }

    [Fact]
    public async Task List_with_cursor_returns_oldest_after_it()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var appended = await AppendManyAsync(store, execution.Id, 10);

        var listed = await store.ConsoleLog.ListAsync(execution.Id, appended[2].Id, 3, CancellationToken.None);
        var last = await store.ConsoleLog.ListAsync(execution.Id, appended[8].Id, 3, CancellationToken.None);
        var none = await store.ConsoleLog.ListAsync(execution.Id, appended[9].Id, 3, CancellationToken.None);

        Assert.Equal(["entry 3", "entry 4", "entry 5"], listed.Select(entry => entry.Message));
        Assert.Equal(["entry 9"], last.Select(entry => entry.Message));
        Assert.Empty(none);
    }

    [Fact]
    public async Task List_other_execution_returns_nothing()
    {
        await using var store = await TestStore.CreateAsync(postgres);
        var execution = await AddExecutionAsync(store);
        var other = await AddExecutionAsync(store);
        await AppendManyAsync(store, execution.Id, 3);

        Assert.Empty(await store.ConsoleLog.ListAsync(other.Id, null, 50, CancellationToken.None));
    }

    [Fact]
    public async Task Append_unknown_execution_throws()
    {
        await using var store = await TestStore.CreateAsync(postgres);

        await Assert.ThrowsAnyAsync<Exception>(() => AppendAsync(store.ConsoleLog, Guid.NewGuid(), Instant, "orphan"));

        Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM execution_console_log"));
    }

    private static async Task<Execution> AddExecutionAsync(TestStore store)
    {
        var (_, _, _, sync) = await store.AddSyncWithParentsAsync();
        return await store.AddFinishedExecutionAsync(sync, TestStore.BaseTime.AddMinutes(1));
    }

    private static Task<ConsoleLogEntry> AppendAsync(IExecutionConsoleLog log, Guid executionId, DateTimeOffset at, string message) =>
        log.AppendAsync(executionId, at, ConsoleLogLevels.Info, message, null, CancellationToken.None);

    /// <summary>Appends entries named "entry 0" to "entry {count - 1}", several per millisecond.</summary>
    private static async Task<List<ConsoleLogEntry>> AppendManyAsync(TestStore store, Guid executionId, int count)
    {
        var appended = new List<ConsoleLogEntry>();
        for (var i = 0; i < count; i++)
        {
            appended.Add(await AppendAsync(store.ConsoleLog, executionId, Instant.AddMilliseconds(i / 3), $"entry {i}"));
        }

        return appended;
    }
}
