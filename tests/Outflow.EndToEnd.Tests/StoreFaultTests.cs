using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Outflow.Testing;
using Xunit.Abstractions;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs <c>outflow serve</c> on a PostgreSQL store behind a <see cref="TcpFaultProxy"/>, and cuts the store's connections
/// while an execution writes, once or for longer than the execution's lease. The execution must end completed, or
/// failed with the reason in its errors. The next execution must complete and leave the target equal to the model, with
/// no row lost or duplicated.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class StoreFaultTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const string ApiKey = "store-fault-key-0123456789";
    private const int Rows = 30_000;


    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-storefault-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Store_cut_once_then_target_exact()
    {
        await RunWithStoreFaultAsync(async proxy =>
        {
            // The cut comes 50 kB into the store writes that follow the first batch the target confirmed, such as its checkpoint.
            proxy.CutAfter(50_000, ProxyDirection.ToServer);
            await proxy.CutDone;
        });
    }

    [Fact]
    public async Task Store_down_past_lease_then_target_exact()
    {
        await RunWithStoreFaultAsync(async proxy =>
        {
            proxy.CutAfter(50_000, ProxyDirection.ToServer, rejectAfter: true);
            await proxy.CutDone;

            // The lease lasts 3 seconds, so the execution's lease expires while the store is unreachable.
            await Task.Delay(TimeSpan.FromSeconds(5));
            proxy.RejectConnections = false;
        });
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Starts an execution of a replace sync of <see cref="Rows"/> rows, runs <paramref name="fault"/> once the target
    /// has its first rows, and checks how the execution and the next one end.
    /// </summary>
    private async Task RunWithStoreFaultAsync(Func<TcpFaultProxy, Task> fault)
    {
        var store = await postgres.CreateDatabaseAsync();
        var target = await postgres.CreateDatabaseAsync();
        await RowsTable.CreateTargetAsync(target);
        var filesRoot = Path.Combine(_dataDirectory, "files");
        Directory.CreateDirectory(filesRoot);
        await RowsTable.WriteSourceAsync(Path.Combine(filesRoot, "rows.sqlite"), Rows);
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
            ["OUTFLOW_EXECUTION_LEASE_SECONDS"] = "3",
            ["OUTFLOW_RECOVERY_SWEEP_INTERVAL_SECONDS"] = "1",
            ["OUTFLOW_RATE_LIMIT_PER_SECOND"] = "0",
        };
        var migrate = await OutflowProcess.RunAsync(environment, "migrate", "--store", store.ConnectionString);
        Assert.True(migrate.ExitCode == 0, migrate.Error);

        await using var proxy = TcpFaultProxy.Start(postgres.Server);
        var proxied = new NpgsqlConnectionStringBuilder(store.ConnectionString) { Port = proxy.Port }.ToString();
        var (process, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0", "--store", proxied);
        await using (process)
        {
            using var api = new ApiClient(address, ApiKey);
            var syncId = await RowsSync.CreateAsync(api, target, "name", "amount");
            var started = await api.PostAsync($"api/syncs/{syncId}/executions", new { });
            var executionId = started["data"]!["id"]!.GetValue<string>();
            while ((await RowsTable.SummarizeAsync(target)).Count == 0)
            {
                await Task.Delay(20);
            }

            await fault(proxy);
            var serverErrors = new List<HttpStatusCode>();
            var execution = (await ExecutionPolling.WaitForEndAsync(api, process, syncId, executionId, serverErrors))!;

            var status = execution["status"]!.GetValue<string>();
            output.WriteLine($"after {proxy.Cuts} cuts, execution {executionId} ended: {execution.ToJsonString()}");
            output.WriteLine($"{serverErrors.Count} polls returned 5xx: {string.Join(", ", serverErrors.Distinct())}");
            Assert.True(
                status is "completed" or "failed",
                $"execution {executionId} ended {status}: {execution.ToJsonString()}");
            if (status == "failed")
            {
                var error = Assert.Single(execution["errors"]!.AsArray())!.GetValue<string>();
                Assert.StartsWith("reading or writing the store", error, StringComparison.Ordinal);
            }

            var next = await api.RunSyncAsync(syncId);
            Assert.Equal("completed", next["status"]!.GetValue<string>());
            Assert.Equal(0, next["counts"]!["error"]!.GetValue<long>());
            Assert.Equal(0, next["counts"]!["delete"]!.GetValue<long>());
            var summary = await RowsTable.SummarizeAsync(target);
            Assert.Equal(Rows, summary.Count);
            Assert.Equal(Rows, summary.Distinct);
            Assert.Equal(RowsTable.ExpectedTotal(Rows), summary.Total);
            AssertCountsAddUp(execution);
            AssertCountsAddUp(next);

            // A batch the target committed before its checkpoint failed is written again after the resume, as updates.
            var inserts = Count(execution, "insert") + Count(next, "insert");
            var writes = inserts + Count(execution, "update") + Count(next, "update");
            var counts = $"{execution["counts"]!.ToJsonString()} then {next["counts"]!.ToJsonString()}";
            Assert.True(inserts <= Rows, $"more inserts than rows: {counts}");
            Assert.True(writes >= Rows, $"fewer writes than rows: {counts}");

            var again = await api.RunSyncAsync(syncId);
            Assert.Equal(0, again["counts"]!["total"]!.GetValue<long>());
            Assert.True(proxy.Cuts >= 1, "the proxy never cut the store's connections");
        }
    }

    private static long Count(JsonNode execution, string name) => execution["counts"]![name]!.GetValue<long>();

    /// <summary>Asserts that the execution's inserts, updates, deletes and errors add up to its total.</summary>
    private static void AssertCountsAddUp(JsonNode execution)
    {
        var sum = Count(execution, "insert") + Count(execution, "update") + Count(execution, "delete") + Count(execution, "error");
        Assert.True(Count(execution, "total") == sum, $"counts do not add up: {execution["counts"]!.ToJsonString()}");
    }
}
