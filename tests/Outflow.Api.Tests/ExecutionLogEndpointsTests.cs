using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Outflow.Core.Executions;
using Outflow.Hosting;
using Outflow.Scheduling;

namespace Outflow.Api.Tests;

public sealed class ExecutionLogEndpointsTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private static readonly string[] LogTypes = ["records", "inserts", "updates", "deletes", "errors", "warnings"];

    // The sync runs in update mode over a target that has ids 1 to 3. Ids 10 and 11 are missing there (2 warnings),
    // id 20 repeats in the model (2 errors), and id 3 takes an email that target row 1 already has (1 target error).
    private const string SourceSql = """
        CREATE TABLE people (id INTEGER, name TEXT NOT NULL, email TEXT);
        INSERT INTO people (id, name, email) VALUES
            (1, 'Ada', 'ada@example.com'),
            (2, 'Grace', 'grace@example.com'),
            (3, 'Linus', 'ada@example.com'),
            (10, 'Missing A', 'missing-a@example.com'),
            (11, 'Missing B', 'missing-b@example.com'),
            (20, 'Twin A', 'twin-a@example.com'),
            (20, 'Twin B', 'twin-b@example.com');
        """;

    private const string TargetSql = """
        CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT UNIQUE, note TEXT);
        INSERT INTO contacts (id, name, email) VALUES (1, 'Ada', 'ada@example.com'), (2, 'Grace', NULL), (3, 'Linus', NULL);
        """;

    [Fact]
    public async Task Downloaded_logs_contain_each_record()
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);

        var index = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/logs");
        Assert.True(index.Status == HttpStatusCode.OK, index.Text);
        var files = index.Data["files"]!.AsArray().Select(file => file!).ToList();
        Assert.Equal(3, Records(files, "errors"));
        Assert.Equal(2, Records(files, "warnings"));
        Assert.Equal(2, Records(files, "updates"));
        Assert.Equal(2, Records(files, "records"));
        Assert.Equal(0, Records(files, "inserts"));

        var lines = new Dictionary<string, List<JsonNode>>();
        foreach (var type in LogTypes)
        {
            var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/{type}");
            Assert.True(response.Status == HttpStatusCode.OK, $"{type}: {response.Text}");
            var urls = response.Data["urls"]!.AsArray().Select(url => url!.GetValue<string>()).ToList();
            Assert.NotNull(response.Data["expires"]);
            var indexed = files.Where(file => file["type"]!.GetValue<string>() == type).ToList();
            Assert.Equal(indexed.Count, urls.Count);
            lines[type] = [];
            for (var i = 0; i < urls.Count; i++)
            {
                Assert.StartsWith(server.Server.BaseAddress.ToString().TrimEnd('/') + "/api/logs/download/", urls[i]);
                var (status, mediaType, text) = await DownloadAsync(urls[i]);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal("application/x-ndjson", mediaType);
                var fileLines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
                Assert.Equal(indexed[i]["records"]!.GetValue<long>(), fileLines.Count);
                Assert.Equal(indexed[i]["bytes"]!.GetValue<long>(), System.Text.Encoding.UTF8.GetByteCount(text));
                lines[type].AddRange(fileLines);
            }
        }

        var errors = lines["errors"];
        Assert.Equal(["20", "20"], Find(errors, "duplicate_identity").Select(Identity).Order());
        Assert.Equal(["3"], Find(errors, "target_rejected").Select(Identity));
        Assert.Equal(["10", "11"], Find(lines["warnings"], "record_not_found").Select(Identity).Order());
        foreach (var line in errors.Concat(lines["warnings"]))
        {
            Assert.False(string.IsNullOrWhiteSpace(line["message"]!.GetValue<string>()), line.ToJsonString());
            Assert.NotNull(line["fields"]!["email"]);
        }

        Assert.Equal(["1", "2"], lines["updates"].Select(Identity).Order());
        Assert.All(lines["updates"], line => Assert.Equal("update", line["operation"]!.GetValue<string>()));
        Assert.Equal("Twin B", Find(errors, "duplicate_identity").Select(line => line["fields"]!["name"]!.GetValue<string>()).Order().Last());
    }

    [Fact]
    public async Task Ended_execution_logs_move_to_store()
    {
        var (_, executionId) = await RunSyncWithErrorsAsync(server.Client);
        var id = Guid.Parse(executionId);

        var stored = await server.GetService<IExecutionLogStore>().ListAsync(id, CancellationToken.None);

        Assert.Equal(3, stored.Where(file => file.Type == "errors").Sum(file => file.Records));
        Assert.DoesNotContain(id, server.GetService<IExecutionLogFiles>().ListExecutionIds());
        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "logs", executionId)));
    }

    [Fact]
    public async Task Cleanup_deletes_logs_of_deleted_sync()
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);
        var (otherSyncId, otherExecutionId) = await RunSyncWithErrorsAsync(server.Client);
        var logStore = server.GetService<IExecutionLogStore>();
        Assert.NotEmpty(await logStore.ListAsync(Guid.Parse(executionId), CancellationToken.None));

        var deleted = await server.Client.DeleteAsync($"/api/syncs/{syncId}");

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Empty(await logStore.ListAsync(Guid.Parse(executionId), CancellationToken.None));
        var index = await server.Client.GetAsync($"/api/syncs/{otherSyncId}/executions/{otherExecutionId}/logs");
        Assert.Equal(3, Records(index.Data["files"]!.AsArray().Select(file => file!).ToList(), "errors"));
    }

    [Fact]
    public async Task Cleanup_deletes_local_logs_no_process_needs()
    {
        var (_, executionId) = await RunSyncWithErrorsAsync(server.Client);
        var deletedExecutionId = Guid.NewGuid().ToString();
        WriteLocalLog(executionId, "records-0000.jsonl", "{\"stale\":true}\n");
        WriteLocalLog(deletedExecutionId, "records-0000.jsonl", "{\"stale\":true}\n");
        var logFiles = server.GetService<IExecutionLogFiles>();
        var cleanup = server.GetService<IEnumerable<IHostedService>>().OfType<LogCleanupService>().Single();
        Assert.Contains(Guid.Parse(executionId), logFiles.ListExecutionIds());
        Assert.Contains(Guid.Parse(deletedExecutionId), logFiles.ListExecutionIds());

        await cleanup.CleanAsync(CancellationToken.None);

        Assert.DoesNotContain(Guid.Parse(executionId), logFiles.ListExecutionIds());
        Assert.DoesNotContain(Guid.Parse(deletedExecutionId), logFiles.ListExecutionIds());
        var files = await logFiles.ListAsync(Guid.Parse(executionId), CancellationToken.None);
        Assert.Equal(3, files.Where(file => file.Type == "errors").Sum(file => file.Records));
    }

    [Fact]
    public async Task GetLog_by_name_returns_one_working_url()
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);
        var listed = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/errors");
        var (_, _, expected) = await DownloadAsync(listed.Data["urls"]![0]!.GetValue<string>());

        var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/errors/errors-0000.jsonl");

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var url = Assert.Single(response.Data["urls"]!.AsArray())!.GetValue<string>();
        Assert.NotNull(response.Data["expires"]);
        var (status, _, text) = await DownloadAsync(url);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData("errors/errors-0001.jsonl")]
    [InlineData("errors/warnings-0000.jsonl")]
    [InlineData("warnings/errors-0000.jsonl")]
    [InlineData("errors/..%2F..%2Flogs")]
    [InlineData("errors/errors-0000.json")]
    public async Task GetLog_unknown_file_returns_404(string typeAndName)
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);

        var response = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/{typeAndName}");

        Assert.True(response.Status == HttpStatusCode.NotFound, response.Text);
        Assert.Equal("not_found", response.ErrorKey);
    }

    [Theory]
    [InlineData("errors-0000.jsonl")]
    [InlineData("")]
    public async Task LogRoutes_unknown_type_returns_400(string fileName)
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);
        var path = $"/api/syncs/{syncId}/executions/{executionId}/failures" + (fileName.Length > 0 ? "/" + fileName : "");

        var response = await server.Client.GetAsync(path);

        Assert.True(response.Status == HttpStatusCode.BadRequest, response.Text);
        Assert.Equal("invalid_field", response.ErrorKey);
        Assert.Equal("type", response.ErrorField);
        Assert.Equal("failures", response.Body!["metadata"]!["value"]!.GetValue<string>());
        Assert.Contains("records, inserts, updates, deletes, errors, warnings", response.Body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task LogRoutes_without_files_return_empty_lists()
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);

        var deletes = await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/deletes");

        Assert.Equal(HttpStatusCode.OK, deletes.Status);
        Assert.Empty(deletes.Data["urls"]!.AsArray());
        var setup = await TestObjects.CreateSyncAsync(server, server.Client, active: true);
        var otherExecution = await StartAndWaitAsync(server.Client, setup.SyncId);
        var errors = await server.Client.GetAsync($"/api/syncs/{setup.SyncId}/executions/{otherExecution}/errors");
        Assert.Equal(HttpStatusCode.OK, errors.Status);
        Assert.Empty(errors.Data["urls"]!.AsArray());
    }

    [Fact]
    public async Task LogRoutes_other_organization_returns_404()
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);
        var (_, foreignClient) = await server.CreateOrganizationAsync();
        using (foreignClient)
        {
            foreach (var route in new[] { "logs", "errors", "errors/errors-0000.jsonl" })
            {
                var response = await foreignClient.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/{route}");
                Assert.True(response.Status == HttpStatusCode.NotFound, $"{route}: {response.Status} {response.Text}");
                Assert.Equal("not_found", response.ErrorKey);
            }
        }

        var (otherSyncId, _) = await RunSyncWithErrorsAsync(server.Client);
        var wrongSync = await server.Client.GetAsync($"/api/syncs/{otherSyncId}/executions/{executionId}/errors");
        Assert.Equal(HttpStatusCode.NotFound, wrongSync.Status);
    }

    [Fact]
    public async Task Download_altered_token_returns_403()
    {
        var (syncId, executionId) = await RunSyncWithErrorsAsync(server.Client);
        var url = (await server.Client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/errors")).Data["urls"]![0]!.GetValue<string>();
        var (_, foreignClient) = await server.CreateOrganizationAsync();
        string foreignUrl;
        using (foreignClient)
        {
            var (foreignSyncId, foreignExecutionId) = await RunSyncWithErrorsAsync(foreignClient);
            foreignUrl = (await foreignClient.GetAsync($"/api/syncs/{foreignSyncId}/executions/{foreignExecutionId}/errors"))
                .Data["urls"]![0]!.GetValue<string>();
        }

        var prefix = url[..(url.LastIndexOf('/') + 1)];
        var token = url[prefix.Length..];
        var foreignToken = foreignUrl[(foreignUrl.LastIndexOf('/') + 1)..];
        var middle = token.Length / 2;

        // The MAC is the last 32 bytes, 43 base64url characters.
        var spliced = token[..^43] + foreignToken[^43..];
        var cases = new Dictionary<string, string>
        {
            ["flipped character"] = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..],
            ["truncated"] = token[..middle],
            ["last character dropped"] = token[..^1],
            ["not base64url"] = "!!not-a-token!!",
            ["payload with another organization's MAC"] = spliced,
        };
        foreach (var (name, candidate) in cases)
        {
            var response = await DownloadAsync(prefix + candidate);
            Assert.True(response.Status == HttpStatusCode.Forbidden, $"{name}: {response.Status} {response.Text}");
            Assert.Equal("invalid_download_token", ErrorKey(response.Text));
        }

        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(url)).Status);
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(foreignUrl)).Status);
    }

    [Fact]
    public async Task Download_expired_or_foreign_token_returns_403()
    {
        // A second server whose URLs live 1 ms, so they expire at the next whole second. It shares the fixture's
        // files root, so the fixture's helpers can create its databases.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-api-" + Guid.NewGuid().ToString("N"));
        var shortLived = await OutflowServer.StartAsync(
            new ServerSettings
            {
                DataDirectory = dataDirectory,
                Urls = "http://127.0.0.1:0",
                BootstrapKey = ApiServerFixture.AdminKey,
                FilesRoot = server.FilesRoot,
                LogUrlLifetime = TimeSpan.FromMilliseconds(1),
            },
            CancellationToken.None);
        try
        {
            using var client = new ApiClient(shortLived.BaseAddress, new AuthenticationHeaderValue("Bearer", ApiServerFixture.AdminKey));
            var (syncId, executionId) = await RunSyncWithErrorsAsync(client);
            var response = await client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}/errors");
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var url = response.Data["urls"]![0]!.GetValue<string>();
            var expires = DateTimeOffset.Parse(response.Data["expires"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

            // Waiting for the clock to pass the expiry, not asserting on elapsed time.
            while (TimeProvider.System.GetUtcNow() < expires.AddMilliseconds(50))
            {
                await Task.Delay(50);
            }

            var expired = await DownloadAsync(url);
            Assert.True(expired.Status == HttpStatusCode.Forbidden, expired.Text);
            Assert.Equal("download_expired", ErrorKey(expired.Text));

            // The same token at a server with another master key has a MAC that does not verify.
            var token = url[(url.LastIndexOf('/') + 1)..];
            var foreign = await DownloadAsync(server.Server.BaseAddress + "api/logs/download/" + token);
            Assert.True(foreign.Status == HttpStatusCode.Forbidden, foreign.Text);
            Assert.Equal("invalid_download_token", ErrorKey(foreign.Text));
        }
        finally
        {
            await shortLived.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <summary>Writes a file into an execution's local log directory, as an earlier attempt or version would leave it.</summary>
    private void WriteLocalLog(string executionId, string name, string content)
    {
        var directory = Path.Combine(server.DataDirectory, "logs", executionId);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name), content);
    }

    private static long Records(List<JsonNode> files, string type) =>
        files.Where(file => file["type"]!.GetValue<string>() == type).Sum(file => file["records"]!.GetValue<long>());

    private static List<JsonNode> Find(List<JsonNode> lines, string key) =>
        lines.Where(line => line["key"]!.GetValue<string>() == key).ToList();

    private static string Identity(JsonNode line)
    {
        var identity = line["identity"]!;
        return identity.GetValueKind() == JsonValueKind.String ? identity.GetValue<string>() : identity.ToJsonString();
    }

    private static string? ErrorKey(string text) => JsonNode.Parse(text)?["key"]?.GetValue<string>();

    /// <summary>Downloads a URL without an Authorization header.</summary>
    private static async Task<(HttpStatusCode Status, string? MediaType, string Text)> DownloadAsync(string url)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(url));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates an update-mode sync whose execution has 3 errors and 2 warnings, runs it and returns the ids.</summary>
    private async Task<(string SyncId, string ExecutionId)> RunSyncWithErrorsAsync(ApiClient client)
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, client, SourceSql, "source");
        var modelId = (await TestObjects.CreateModelAsync(client, source))["id"]!.GetValue<string>();
        var target = await TestObjects.CreateSqliteConnectionAsync(server, client, TargetSql, "target");
        var body = TestObjects.SyncBody(modelId, target);
        body["mode"] = "update";
        var created = await client.PostAsync("/api/syncs", body);
        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        var syncId = created.Data["id"]!.GetValue<string>();
        var executionId = await StartAndWaitAsync(client, syncId);
        var execution = await client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}");
        Assert.Equal(3, execution.Data["counts"]!["error"]!.GetValue<long>());
        Assert.Equal(2, execution.Data["counts"]!["warnings"]!.GetValue<long>());
        return (syncId, executionId);
    }

    private static async Task<string> StartAndWaitAsync(ApiClient client, string syncId)
    {
        var started = await client.SendAsync(HttpMethod.Post, $"/api/syncs/{syncId}/executions");
        Assert.True(started.Status == HttpStatusCode.OK, started.Text);
        var executionId = started.Data["id"]!.GetValue<string>();

        // A bound on polling, not a timing assertion: it only keeps a broken engine from hanging the test run.
        for (var attempt = 0; attempt < 6000; attempt++)
        {
            var response = await client.GetAsync($"/api/syncs/{syncId}/executions/{executionId}");
            var status = response.Data["status"]!.GetValue<string>();
            if (status is "completed" or "failed" or "canceled" or "interrupted")
            {
                Assert.True(status == "completed", response.Text);
                return executionId;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"execution {executionId} of sync {syncId} did not finish");
    }
}
