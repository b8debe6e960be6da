using System.Net;
using System.Text.Json.Nodes;

namespace Outflow.Api.Tests;

/// <summary>The <c>files</c> connection type through the API: configuration errors and the sync's encryption passphrase.</summary>
public sealed class FilesTargetApiTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Theory]
    [InlineData("../outside", "csv", "configuration.directory", "../outside")]
    [InlineData("exports/../..", "csv", "configuration.directory", "exports/../..")]
    [InlineData("exports", "xml", "configuration.format", "xml")]
    public async Task Create_invalid_configuration_returns_422(string directory, string format, string field, string value)
    {
        Directory.CreateDirectory(Path.Combine(server.FilesRoot, "exports"));

        var response = await server.Client.PostAsync("/api/connections", FilesConnectionBody(directory, format));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("invalid_configuration", response.ErrorKey);
        Assert.Equal(field, response.ErrorField);
        Assert.Contains(value, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_link_out_of_root_returns_422()
    {
        var outside = Path.Combine(Path.GetTempPath(), "outflow-api-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        var link = "escape-" + Guid.NewGuid().ToString("N");
        Directory.CreateSymbolicLink(Path.Combine(server.FilesRoot, link), outside);

        var response = await server.Client.PostAsync("/api/connections", FilesConnectionBody(link, "csv"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("configuration.directory", response.ErrorField);
        Directory.Delete(outside);
    }

    [Fact]
    public async Task Sync_to_files_accepts_passphrase_and_never_returns_it()
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql, "source");
        var model = await TestObjects.CreateModelAsync(server.Client, source);
        var modelId = model["id"]!.GetValue<string>();
        Directory.CreateDirectory(Path.Combine(server.FilesRoot, "exports"));
        var target = await server.Client.PostAsync("/api/connections", FilesConnectionBody("exports", "csv"));
        Assert.True(target.Status == HttpStatusCode.OK, target.Text);
        var body = TestObjects.SyncBody(modelId, target.Data["id"]!.GetValue<string>());
        body["mode"] = "replace";
        body["target"]!["object"] = "people.csv";
        body["encryption_passphrase"] = "correct horse";

        var created = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(created.Status == HttpStatusCode.OK, created.Text);
        Assert.Null(created.Data["encryption_passphrase"]);
        Assert.DoesNotContain("correct horse", created.Text, StringComparison.Ordinal);
        var read = await server.Client.GetAsync($"/api/syncs/{created.Data["id"]!.GetValue<string>()}");
        Assert.DoesNotContain("correct horse", read.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_to_files_rejects_unsupported_mode()
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql, "source");
        var model = await TestObjects.CreateModelAsync(server.Client, source);
        Directory.CreateDirectory(Path.Combine(server.FilesRoot, "exports"));
        var target = await server.Client.PostAsync("/api/connections", FilesConnectionBody("exports", "jsonl"));
        var body = TestObjects.SyncBody(model["id"]!.GetValue<string>(), target.Data["id"]!.GetValue<string>());
        body["target"]!["object"] = "people.jsonl";

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("unsupported_mode", response.ErrorKey);
        Assert.Equal("mode", response.ErrorField);
    }

    [Fact]
    public async Task Connection_type_schema_lists_formats()
    {
        var response = await server.Client.GetAsync("/api/connection_types/files");

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
        var format = response.Body!["properties"]!["format"]!;
        Assert.Equal(["csv", "jsonl"], format["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    private static JsonObject FilesConnectionBody(string directory, string format) => new()
    {
        ["name"] = "exports",
        ["type"] = "files",
        ["configuration"] = new JsonObject { ["directory"] = directory, ["format"] = format },
    };
}
