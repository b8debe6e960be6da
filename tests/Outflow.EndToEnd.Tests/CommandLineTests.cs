using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Outflow.EndToEnd.Tests;

/// <summary>The commands that work on the store directly, run as a user runs them.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Keys_create_key_authenticates_with_server()
    {
        var environment = new Dictionary<string, string> { ["OUTFLOW_DATA_DIR"] = _dataDirectory };

        var migrate = await OutflowProcess.RunAsync(environment, "migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Error);
        Assert.Contains("current schema version", migrate.Output, StringComparison.Ordinal);

        var created = await OutflowProcess.RunAsync(environment, "keys", "create", "--org", "acme");
        Assert.True(created.ExitCode == 0, created.Error);
        var key = created.Output.Trim();
        Assert.DoesNotContain('\n', key);

        var (server, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (server)
        {
            using var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.GetAsync("api/me");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var me = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!;
            Assert.Equal("acme", me["organization_name"]!.GetValue<string>());
            Assert.True(me["is_user"]!.GetValue<bool>());

            // The store already had an organization, so the server created no default admin key.
            Assert.DoesNotContain(server.Output, line => line.Contains("shown only once", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Keys_create_json_names_organization()
    {
        var environment = new Dictionary<string, string> { ["OUTFLOW_DATA_DIR"] = _dataDirectory };

        var created = await OutflowProcess.RunAsync(environment, "keys", "create", "--org", "acme", "--name", "deploy", "--json");

        Assert.True(created.ExitCode == 0, created.Error);
        var key = JsonNode.Parse(created.Output)!;
        Assert.Equal("acme", key["organization_name"]!.GetValue<string>());
        Assert.Equal("deploy", key["name"]!.GetValue<string>());
        Assert.Equal("user", key["kind"]!.GetValue<string>());
        Assert.True(Guid.TryParse(key["organization_id"]!.GetValue<string>(), out _));
        Assert.True(key["key"]!.GetValue<string>().Length >= 32);
    }

    [Fact]
    public async Task Serve_with_other_master_key_fails_with_message()
    {
        var firstKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var otherKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_MASTER_KEY"] = firstKey,
        };
        var created = await OutflowProcess.RunAsync(environment, "keys", "create", "--org", "acme");
        Assert.True(created.ExitCode == 0, created.Error);
        var (server, address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        await using (server)
        {
            using var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Output.Trim());
            using var body = new StringContent(
                """{"name": "shop", "type": "sqlite", "configuration": {"path": "shop.sqlite"}, "validate": false}""", System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("api/connections", body);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        environment["OUTFLOW_MASTER_KEY"] = otherKey;
        var restarted = await OutflowProcess.RunAsync(environment, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, restarted.ExitCode);
        Assert.Contains("does not decrypt connection", restarted.Error, StringComparison.Ordinal);
        Assert.Contains("OUTFLOW_MASTER_KEY", restarted.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", restarted.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public async Task Distributed_command_on_sqlite_fails_with_message(string command)
    {
        var environment = new Dictionary<string, string> { ["OUTFLOW_DATA_DIR"] = _dataDirectory };

        var result = await OutflowProcess.RunAsync(environment, command, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"outflow {command} needs a PostgreSQL store", result.Error, StringComparison.Ordinal);
        Assert.Contains("--store", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CHECKPOINT_SECONDS", "-1", "0 to 600")]
    [InlineData("CHECKPOINT_SECONDS", "601", "0 to 600")]
    [InlineData("CHECKPOINT_SECONDS", "two", "0 to 600")]
    [InlineData("EXECUTION_LEASE_SECONDS", "2", "3 to 3600")]
    [InlineData("EXECUTION_LEASE_SECONDS", "thirty", "3 to 3600")]
    [InlineData("EXECUTION_LEASE_SECONDS", "3601", "3 to 3600")]
    [InlineData("EXECUTION_LEASE_SECONDS", "99999999999999", "3 to 3600")]
    public async Task Invalid_seconds_setting_fails_with_message(string setting, string value, string range)
    {
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_" + setting] = value,
        };

        var result = await OutflowProcess.RunAsync(environment, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            $"{setting} must be a whole number of seconds from {range}, got \"{value}\"", result.Error, StringComparison.Ordinal);
        Assert.Contains("OUTFLOW_" + setting, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("after-target-write:0")]
    [InlineData("after-target-write:x")]
    [InlineData("before-everything")]
    [InlineData("checkpoint-before-commit:1:2")]
    public async Task Invalid_crash_point_fails_with_message(string value)
    {
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_DATA_DIR"] = _dataDirectory,
            ["OUTFLOW_CRASH_POINT"] = value,
        };

        var result = await OutflowProcess.RunAsync(environment, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CRASH_POINT must be NAME or NAME:OCCURRENCE", result.Error, StringComparison.Ordinal);
        Assert.Contains($"got \"{value}\"", result.Error, StringComparison.Ordinal);
        Assert.Contains("OUTFLOW_CRASH_POINT", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_existing_files_fail_with_message()
    {
        var environment = new Dictionary<string, string> { ["OUTFLOW_DATA_DIR"] = _dataDirectory };

        var first = await OutflowProcess.RunAsync(environment, "demo");
        var second = await OutflowProcess.RunAsync(environment, "demo");

        Assert.Equal(0, first.ExitCode);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "files", "demo.sqlite")));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already exists; pass --force", second.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}
