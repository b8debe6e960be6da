using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// Runs the client commands (<c>syncs list</c>, <c>syncs run</c>, <c>executions list</c>) as a user runs them, against
/// <c>outflow serve</c> syncing the demo databases, and checks their output, JSON and exit codes.
/// </summary>
public sealed class ClientCommandsTests(ClientCommandsTests.DemoServer server) : IClassFixture<ClientCommandsTests.DemoServer>
{
    private readonly Dictionary<string, string> _environment = server.Environment;

    [Fact]
    public async Task Run_json_prints_completed_execution()
    {
        var syncId = await server.CreateSyncAsync();

        var run = await RunAsync("syncs", "run", syncId, "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        var execution = JsonNode.Parse(run.Output)!;
        Assert.Equal("completed", execution["status"]!.GetValue<string>());
        Assert.Equal(59, execution["counts"]!["insert"]!.GetValue<long>());
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Run_redirected_prints_console_log_and_summary()
    {
        var syncId = await server.CreateSyncAsync();

        var run = await RunAsync("syncs", "run", syncId);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Execution started", run.Error, StringComparison.Ordinal);
        Assert.Contains("Writing 59 records", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"^Execution [0-9a-f-]{36} completed in [0-9.]+ s: 59 inserted, 0 updated, 0 deleted, 0 errors, 0 warnings\n$", run.Output);
    }

    [Fact]
    public async Task Run_of_failing_sync_exits_with_one()
    {
        var syncId = await server.CreateSyncAsync();
        await using (var connection = new SqliteConnection($"Data Source={server.TargetPath(syncId)};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE customer_value";
            await drop.ExecuteNonQueryAsync();
        }

        var run = await RunAsync("syncs", "run", syncId);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(" failed", run.Output, StringComparison.Ordinal);
        Assert.Contains("  error: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("customer_value", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detach_prints_execution_id_only()
    {
        var syncId = await server.CreateSyncAsync();

        var run = await RunAsync("syncs", "run", syncId, "--detach");

        Assert.True(run.ExitCode == 0, run.Error);
        var executionId = run.Output.Trim();
        Assert.True(Guid.TryParse(executionId, out _), run.Output);
        var list = await RunAsync("executions", "list", syncId, "--json");
        Assert.Equal(executionId, JsonNode.Parse(list.Output)![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Executions_list_shows_newest_first()
    {
        var syncId = await server.CreateSyncAsync();
        var first = JsonNode.Parse((await RunAsync("syncs", "run", syncId, "--json")).Output)!["id"]!.GetValue<string>();
        var second = JsonNode.Parse((await RunAsync("syncs", "run", syncId, "--json")).Output)!["id"]!.GetValue<string>();

        var json = await RunAsync("executions", "list", syncId, "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var ids = JsonNode.Parse(json.Output)!.AsArray().Select(execution => execution!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([second, first], ids);

        var limited = await RunAsync("executions", "list", syncId, "--json", "--limit", "1");
        Assert.Single(JsonNode.Parse(limited.Output)!.AsArray());

        var table = await RunAsync("executions", "list", syncId);
        var lines = table.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Contains("INSERTED", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(second, lines[1], StringComparison.Ordinal);
        Assert.Matches(@"completed\s+manual", lines[2]);
    }

    [Fact]
    public async Task Syncs_list_includes_last_status()
    {
        var syncId = await server.CreateSyncAsync();
        await RunAsync("syncs", "run", syncId, "--json");

        var json = await RunAsync("syncs", "list", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var sync = Assert.Single(JsonNode.Parse(json.Output)!.AsArray(), item => item!["id"]!.GetValue<string>() == syncId)!;
        Assert.Equal("completed", sync["status"]!["last_execution"]!["status"]!.GetValue<string>());

        var table = await RunAsync("syncs", "list");
        var lines = table.Output.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^ID\s+NAME\s+MODE\s+ACTIVE\s+STATUS\s+LAST COMPLETED\s+NEXT RUN$", lines[0]);
        var line = Assert.Single(lines, line => line.StartsWith(syncId, StringComparison.Ordinal));
        Assert.Matches($@"^{syncId}\s+customers to crm\s+updateOrCreate\s+yes\s+completed\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\s+-$", line);
    }

    [Theory]
    [InlineData("--api-key", "not-a-key", "401")]
    [InlineData("--url", "ftp://127.0.0.1", "--url must be an http or https URL")]
    [InlineData("--url", "http://127.0.0.1:1", "could not connect to http://127.0.0.1:1/")]
    public async Task Bad_server_settings_fail_with_message(string option, string value, string message)
    {
        var run = await RunAsync("syncs", "list", option, value);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Missing_key_fails_with_message()
    {
        var run = await OutflowProcess.RunAsync(
            new Dictionary<string, string> { ["OUTFLOW_URL"] = _environment["OUTFLOW_URL"] }, "syncs", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("missing API key: pass --api-key or set OUTFLOW_API_KEY", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_sync_fails_with_not_found()
    {
        var run = await RunAsync("syncs", "run", "00000000-0000-0000-0000-000000000000");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("404 Not Found: sync 00000000-0000-0000-0000-000000000000 was not found", run.Error, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments) =>
        OutflowProcess.RunAsync(_environment, arguments);

    /// <summary>One <c>outflow serve</c> on the demo databases, shared by the tests; each test makes its own sync.</summary>
    public sealed class DemoServer : IAsyncLifetime
    {
        private const string ApiKey = "client-commands-key-0123456789";

        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-client-" + Guid.NewGuid().ToString("N"));
        private readonly Dictionary<string, string> _targets = [];
        private OutflowProcess? _server;
        private ApiClient? _api;
        private string _sourceId = "";

        public Dictionary<string, string> Environment { get; } = [];

        public async Task InitializeAsync()
        {
            var serverEnvironment = new Dictionary<string, string>
            {
                ["OUTFLOW_DATA_DIR"] = _dataDirectory,
                ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
            };
            var demo = await OutflowProcess.RunAsync(serverEnvironment, "demo");
            Assert.True(demo.ExitCode == 0, demo.Error);

            var (server, address) = await OutflowProcess.StartServerAsync(serverEnvironment, "--urls", "http://127.0.0.1:0");
            _server = server;
            _api = new ApiClient(address, ApiKey);
            Environment["OUTFLOW_URL"] = address.ToString();
            Environment["OUTFLOW_API_KEY"] = ApiKey;
            var source = await _api.PostAsync("api/connections", new { name = "shop", type = "sqlite", configuration = new { path = "demo.sqlite" } });
            _sourceId = source["data"]!["id"]!.GetValue<string>();
        }

        /// <summary>The target database file of a sync made by <see cref="CreateSyncAsync"/>.</summary>
        public string TargetPath(string syncId) => _targets[syncId];

        /// <summary>
        /// Creates the README quickstart's sync, demo customers upserted into customer_value, writing to a copy of
        /// the demo target database of its own.
        /// </summary>
        public async Task<string> CreateSyncAsync()
        {
            var api = _api!;
            var file = "target-" + Guid.NewGuid().ToString("N") + ".sqlite";
            var files = Path.Combine(_dataDirectory, "files");
            File.Copy(Path.Combine(files, "demo-target.sqlite"), Path.Combine(files, file));
            var target = await api.PostAsync("api/connections", new { name = "crm", type = "sqlite", configuration = new { path = file } });
            var model = await api.PostAsync("api/models", new
            {
                name = "customers",
                connection_id = _sourceId,
                identifier = "customer_id",
                configuration = new { query = "SELECT customer_id, email, first_name, last_name, country FROM customers" },
            });
            var modelId = model["data"]!["id"]!.GetValue<string>();
            string[] fields = ["email", "first_name", "last_name", "country"];
            var sync = await api.PostAsync("api/syncs", new
            {
                name = "customers to crm",
                mode = "updateOrCreate",
                active = true,
                schedule = new { frequency = "manual" },
                target = new { connection_id = target["data"]!["id"]!.GetValue<string>(), @object = "customer_value" },
                identity = new { source = new { model_id = modelId, field = "customer_id" }, target = "customer_id", function = "Equality" },
                fields = fields.Select(field => new { source = new { model_id = modelId, field }, target = field }).ToArray(),
            });
            var syncId = sync["data"]!["id"]!.GetValue<string>();
            _targets[syncId] = Path.Combine(files, file);
            return syncId;
        }

        public async Task DisposeAsync()
        {
            _api?.Dispose();
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            if (Directory.Exists(_dataDirectory))
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
        }
    }
}
