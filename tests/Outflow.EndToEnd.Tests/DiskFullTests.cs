using System.Net;
using Microsoft.Data.Sqlite;
using Outflow.Testing;
using Xunit.Abstractions;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs <c>outflow serve</c> with its data directory (SQLite store, record logs, scratch files) on a small tmpfs, and
/// fills the tmpfs so that an execution's writes fail with ENOSPC. The execution must fail with the reason in its
/// errors, or resume once space is freed. The store must stay intact across a restart, and the next execution must
/// leave the target equal to the model.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class DiskFullTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const string ApiKey = "disk-full-key-0123456789";
    private const int Rows = 30_000;

    /// <summary>Enough free space for the store's writes of an API request, too little for the execution's scratch rows.</summary>
    private const long FreeBytes = 512 * 1024;

    private readonly string _filesRoot = Directory.CreateTempSubdirectory("outflow-diskfull-files-").FullName;

    [SmallDiskFact]
    public Task Full_before_execution_fails_then_recovers() => RunOnFullDiskAsync(fillMidExecution: false);

    [SmallDiskFact]
    public Task Full_mid_execution_fails_then_recovers() => RunOnFullDiskAsync(fillMidExecution: true);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_filesRoot, recursive: true);
    }

    /// <summary>
    /// Fills the data directory before the execution starts, so that its scratch rows hit ENOSPC while it reads the
    /// model, or once the target has its first rows, so that the store's checkpoints hit it.
    /// </summary>
    private async Task RunOnFullDiskAsync(bool fillMidExecution)
    {
        await using var disk = await SmallDisk.MountAsync(64);
        var target = await postgres.CreateDatabaseAsync();
        await RowsTable.CreateTargetAsync(target);
        await RowsTable.WriteSourceAsync(Path.Combine(_filesRoot, "rows.sqlite"), Rows);
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = disk.Path,
            ["OUTFLOW_FILES_ROOT"] = _filesRoot,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
            ["OUTFLOW_EXECUTION_LEASE_SECONDS"] = "3",
            ["OUTFLOW_RECOVERY_SWEEP_INTERVAL_SECONDS"] = "1",
            ["OUTFLOW_RATE_LIMIT_PER_SECOND"] = "0",
        };

        string syncId;
        var (first, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (first)
        {
            using var api = new ApiClient(address, ApiKey);
            syncId = await RowsSync.CreateAsync(api, target, "name", "amount");
            if (!fillMidExecution)
            {
                output.WriteLine($"{disk.Fill(FreeBytes)} bytes free in the data directory");
            }

            var started = await api.PostAsync($"api/syncs/{syncId}/executions", new { });
            var executionId = started["data"]!["id"]!.GetValue<string>();
            if (fillMidExecution)
            {
                while ((await RowsTable.SummarizeAsync(target)).Count == 0)
                {
                    await Task.Delay(20);
                }

                output.WriteLine($"{disk.Fill(0)} bytes free in the data directory");
            }

            // Once a write found the disk full, space is freed, whether or not the execution has ended.
            var serverErrors = new List<HttpStatusCode>();
            var execution = await ExecutionPolling.WaitForEndAsync(
                api, first, syncId, executionId, serverErrors, () => first.Logged("disk is full") || first.Logged("No space left"));
            disk.Free();
            execution ??= await ExecutionPolling.WaitForEndAsync(api, first, syncId, executionId, serverErrors);
            output.WriteLine($"execution {executionId} ended: {execution!.ToJsonString()}");
            output.WriteLine($"{serverErrors.Count} polls returned 5xx: {string.Join(", ", serverErrors.Distinct())}");

            var status = execution["status"]!.GetValue<string>();
            Assert.True(status is "completed" or "failed", $"execution {executionId} ended {status}");
            if (status == "failed")
            {
                // Scratch rows are written to a plain file (ENOSPC) and the store's pages through SQLite (SQLITE_FULL).
                var error = Assert.Single(execution["errors"]!.AsArray())!.GetValue<string>();
                Assert.True(
                    error.Contains("No space left on device", StringComparison.Ordinal)
                        || error.Contains("database or disk is full", StringComparison.Ordinal),
                    $"the error does not say that the disk is full: {error}");
                Assert.StartsWith("reading or writing", error, StringComparison.Ordinal);
            }

            var next = await api.RunSyncAsync(syncId);
            Assert.Equal("completed", next["status"]!.GetValue<string>());
            await AssertTargetExactAsync(target);
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromMinutes(1)));
        }

        AssertStoreIntact(Path.Combine(disk.Path, "outflow.db"));

        var (second, restartedAddress) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (second)
        {
            using var api = new ApiClient(restartedAddress, ApiKey);
            var again = await api.RunSyncAsync(syncId);
            Assert.Equal("completed", again["status"]!.GetValue<string>());
            Assert.Equal(0, again["counts"]!["total"]!.GetValue<long>());
            await AssertTargetExactAsync(target);
        }
    }

    private static async Task AssertTargetExactAsync(PostgresDatabase target)
    {
        var summary = await RowsTable.SummarizeAsync(target);
        Assert.Equal(Rows, summary.Count);
        Assert.Equal(Rows, summary.Distinct);
        Assert.Equal(RowsTable.ExpectedTotal(Rows), summary.Total);
    }

    private static void AssertStoreIntact(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", command.ExecuteScalar() as string);
    }
}
