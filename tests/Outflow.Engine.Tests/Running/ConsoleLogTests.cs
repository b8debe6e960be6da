using Outflow.Core.Executions;
using Outflow.Core.Syncs;
using Outflow.Testing;

namespace Outflow.Engine.Tests.Running;

[Collection(PostgresFixture.CollectionName)]
public sealed class ConsoleLogTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Run_reports_start_read_write_and_finish()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite);
        var sync = await CreatePeopleSyncAsync(harness, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");

        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        var entries = await ReadAllAsync(harness, execution.Id);
        var messages = entries.Select(entry => entry.Message).ToList();
        Assert.Equal("Execution started (manual)", messages[0]);
        Assert.False(entries[0].Payload!["resumed"]!.GetValue<bool>());
        Assert.Contains("Reading model \"people\" from the source", messages);
        var read = Assert.Single(entries, entry => entry.Message.StartsWith("Read 3 rows:", StringComparison.Ordinal));
        Assert.StartsWith("Read 3 rows: 3 records to write (3 new, 0 changed); reading took ", read.Message, StringComparison.Ordinal);
        Assert.True(read.Payload!["read_ms"]!.GetValue<long>() >= 0);
        Assert.True(read.Payload!["change_detection_ms"]!.GetValue<long>() >= 0);
        Assert.Equal(3, read.Payload!["rows_read"]!.GetValue<long>());
        Assert.Equal(3, read.Payload!["pending_new"]!.GetValue<long>());
        Assert.Contains("Writing 3 records to \"people\" in batches of up to 500", messages);
        var finished = entries[^1];
        Assert.StartsWith("Execution finished: completed", finished.Message, StringComparison.Ordinal);
        Assert.Equal(ConsoleLogLevels.Info, finished.Level);
        Assert.Equal("completed", finished.Payload!["status"]!.GetValue<string>());
        Assert.Equal(3, finished.Payload!["insert"]!.GetValue<long>());
        Assert.All(entries, entry => Assert.Equal(ConsoleLogLevels.Info, entry.Level));
        Assert.Equal(entries.Select(entry => entry.Id).Order(), entries.Select(entry => entry.Id));
    }

    [Fact]
    public async Task Run_without_interval_reports_each_row_and_batch()
    {
        await using var harness = await EngineHarness.CreateAsync(
            postgres, TargetKind.Sqlite, batchSize: 1, consoleProgressInterval: TimeSpan.Zero);
        var sync = await CreatePeopleSyncAsync(harness, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");

        var execution = await harness.RunAsync(sync);

        var entries = await ReadAllAsync(harness, execution.Id);
        var rowsRead = entries.Where(entry => entry.Message.StartsWith("Read ", StringComparison.Ordinal) && entry.Message.EndsWith(" so far", StringComparison.Ordinal)).ToList();
        Assert.Equal([1L, 2L, 3L], rowsRead.Select(entry => entry.Payload!["rows_read"]!.GetValue<long>()));
        var written = entries.Where(entry => entry.Message.StartsWith("Written so far", StringComparison.Ordinal)).ToList();
        Assert.Equal([1L, 2L, 3L], written.Select(entry => entry.Payload!["insert"]!.GetValue<long>()));
        Assert.All(written, entry => Assert.NotNull(entry.Payload!["records_per_second"]));
    }

    [Theory]
    [InlineData(TargetKind.PostgreSql, false)]
    [InlineData(TargetKind.Sqlite, true)]
    public async Task Rejected_record_reported_without_values(TargetKind target, bool splits)
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, target);

        // Edsger's amount of 30 breaks the check. PostgreSQL fails his record alone, while SQLite rejects the batch and
        // the engine splits it to find his record.
        var sync = await CreatePeopleSyncAsync(
            harness, "CREATE TABLE people (id bigint PRIMARY KEY, name text, amount numeric CHECK (amount < 25))");

        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Completed, execution.Status);
        Assert.Equal(1, execution.Counts.Error);
        var entries = await ReadAllAsync(harness, execution.Id);
        var issues = Assert.Single(entries, entry => entry.Message.Contains("record error", StringComparison.Ordinal)
            && entry.Payload?["splits"] is not null);
        Assert.Equal(ConsoleLogLevels.Warn, issues.Level);
        Assert.Equal(1, issues.Payload!["errors"]!.GetValue<long>());
        Assert.Equal(splits, issues.Payload!["splits"]!.GetValue<int>() > 0);
        Assert.All(entries, entry => Assert.DoesNotContain("Edsger", entry.Message, StringComparison.Ordinal));
        Assert.All(entries, entry => Assert.DoesNotContain("Edsger", entry.Payload?.ToJsonString() ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Transient_failures_reported_as_retries_then_failure()
    {
        var flaky = new FlakyConnectorFactory();
        await using var harness = await EngineHarness.CreateAsync(postgres, batchSize: 500, flakyTarget: flaky);
        var sync = await CreatePeopleSyncAsync(harness, "CREATE TABLE people (id bigint PRIMARY KEY, name text, amount numeric)");
        flaky.Reset(failFromCall: 1, failureCount: 100);

        var execution = await harness.RunAsync(sync);

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        var entries = await ReadAllAsync(harness, execution.Id);
        var retries = entries.Where(entry => entry.Message.Contains("failed transiently", StringComparison.Ordinal)).ToList();
        Assert.Equal([1, 2, 3, 4], retries.Select(entry => entry.Payload!["attempt"]!.GetValue<int>()));
        Assert.All(retries, entry => Assert.Equal(ConsoleLogLevels.Warn, entry.Level));
        var failure = Assert.Single(entries, entry => entry.Message.StartsWith("Execution failed:", StringComparison.Ordinal));
        Assert.Equal(ConsoleLogLevels.Error, failure.Level);
        Assert.Contains("after 5 attempts", failure.Message, StringComparison.Ordinal);
        Assert.Equal("failed", entries[^1].Payload!["status"]!.GetValue<string>());
        Assert.Equal(ConsoleLogLevels.Error, entries[^1].Level);
    }

    [Fact]
    public async Task Dry_run_reports_checking_not_writing()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite);
        var sync = await CreatePeopleSyncAsync(harness, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");

        var execution = await harness.RunAsync(sync, type: ExecutionTypes.DryRun);

        var messages = (await ReadAllAsync(harness, execution.Id)).Select(entry => entry.Message).ToList();
        Assert.Equal("Execution started (dry_run)", messages[0]);
        Assert.Contains("Dry run, writing nothing: checking 3 records against \"people\" in batches of up to 500", messages);
        Assert.DoesNotContain(messages, message => message.StartsWith("Writing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replace_run_reports_absent_records()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite);
        await harness.ExecuteTargetAsync("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people", "id", "name", "amount");
        var sync = await harness.CreateSyncAsync(model, SyncMode.Replace, "people", "id", "name", "amount");
        Assert.Equal(ExecutionStatus.Completed, (await harness.RunAsync(sync)).Status);
        harness.ExecuteSource("DELETE FROM people WHERE id IN (2, 3)");

        var execution = await harness.RunAsync(sync);

        Assert.Equal(2, execution.Counts.Delete);
        var entries = await ReadAllAsync(harness, execution.Id);
        var absent = Assert.Single(entries, entry => entry.Message.Contains("left the model", StringComparison.Ordinal));
        Assert.Equal(2, absent.Payload!["records"]!.GetValue<long>());
        Assert.True(absent.Payload!["deleting"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Canceled_before_start_reported_once()
    {
        await using var harness = await EngineHarness.CreateAsync(postgres, TargetKind.Sqlite);
        var sync = await CreatePeopleSyncAsync(harness, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");
        var execution = await harness.CreateExecutionAsync(sync);
        await harness.Executions.RequestCancelAsync(execution.Id, CancellationToken.None);

        await harness.Runner.RunAsync(execution.Id, CancellationToken.None);

        var entry = Assert.Single(await ReadAllAsync(harness, execution.Id));
        Assert.Equal("Execution canceled before it started, so nothing was read or written", entry.Message);
        Assert.Equal("canceled", entry.Payload!["status"]!.GetValue<string>());
    }

    private static async Task<Sync> CreatePeopleSyncAsync(EngineHarness harness, string targetTableSql)
    {
        await harness.ExecuteTargetAsync(targetTableSql);
        harness.ExecuteSource("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC)");
        harness.ExecuteSource("INSERT INTO people VALUES (1, 'Ada', 10), (2, 'Grace', 20), (3, 'Edsger', 30)");
        var model = await harness.CreateModelAsync("SELECT id, name, amount FROM people ORDER BY id", "id", "name", "amount");
        return await harness.CreateSyncAsync(
            model, SyncMode.UpdateOrCreate, harness.TargetObject("people"), "id", "name", "amount");
    }

    /// <summary>Reads every entry of an execution, oldest first, in pages as an API client would.</summary>
    private static async Task<List<ConsoleLogEntry>> ReadAllAsync(EngineHarness harness, Guid executionId)
    {
        var entries = new List<ConsoleLogEntry>();
        ConsoleLogCursor? after = new ConsoleLogCursor(0, 0);
        while (true)
        {
            var page = await harness.ConsoleLog.ListAsync(executionId, after, 50, CancellationToken.None);
            if (page.Count == 0)
            {
                return entries;
            }

            entries.AddRange(page);
            after = page[^1].Id;
        }
    }
}
