using Outflow.Testing;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Kills <c>outflow serve</c> with SIGKILL in the middle of an execution, starts it again on the same data
/// directory, and checks that the execution resumes and the target ends equal to the model with no row lost.
/// </summary>
[Collection(PostgresFixture.CollectionName)]
public sealed class CrashRecoveryTests(PostgresFixture postgres) : IDisposable
{
    private const string ApiKey = "crash-recovery-key-0123456789";
    private const int Rows = 100_000;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Killed_server_resumes_execution_after_restart()
    {
        var filesRoot = Path.Combine(_dataDirectory, "files");
        Directory.CreateDirectory(filesRoot);
        await RowsTable.WriteSourceAsync(Path.Combine(filesRoot, "rows.sqlite"), Rows);
        var database = await postgres.CreateDatabaseAsync();
        await RowsTable.CreateTargetAsync(database);
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,

            // The restarted process takes the killed one's execution over once its lease has expired.
            ["OUTFLOW_EXECUTION_LEASE_SECONDS"] = "3",
        };

        string syncId;
        var (first, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (first)
        {
            using var api = new ApiClient(address, ApiKey);
            syncId = await RowsSync.CreateAsync(api, database, "name", "amount");
            await api.PostAsync($"api/syncs/{syncId}/executions", new { });

            // Kill as soon as the target shows the first confirmed batch, well before the last one.
            while (await CountAsync(database) == 0)
            {
                await Task.Delay(20);
            }
        }

        Assert.InRange(await CountAsync(database), 1, Rows - 1);

        var (second, restartedAddress) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (second)
        {
            using var api = new ApiClient(restartedAddress, ApiKey);
            var execution = await api.WaitForLastExecutionAsync(syncId);
            Assert.Equal("completed", execution["status"]!.GetValue<string>());
            Assert.Equal(0, execution["counts"]!["error"]!.GetValue<long>());

            var (count, distinct, total) = await RowsTable.SummarizeAsync(database);
            Assert.Equal(Rows, count);
            Assert.Equal(Rows, distinct);
            Assert.Equal(RowsTable.ExpectedTotal(Rows), total);

            var again = await api.RunSyncAsync(syncId);
            Assert.Equal(0, again["counts"]!["total"]!.GetValue<long>());
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static async Task<long> CountAsync(PostgresDatabase database) => (await RowsTable.SummarizeAsync(database)).Count;
}
