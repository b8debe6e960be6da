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

    [Fact]
    public async Task Unsupported_mode_message_fits_files()
    {
        var (modelId, connectionId) = await CreateModelAndTargetAsync("csv");
        var body = TestObjects.SyncBody(modelId, connectionId);
        body["target"]!["object"] = "people.csv";

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Contains("append, snapshot, replace", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("primary key", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("table", response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../people.csv")]
    [InlineData(".hidden.csv")]
    [InlineData("a/b.csv")]
    public async Task Sync_to_invalid_file_name_returns_422(string name)
    {
        var (modelId, connectionId) = await CreateModelAndTargetAsync("csv");
        var body = AppendBody(modelId, connectionId, name);

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("invalid_target_name", response.ErrorKey);
        Assert.Equal("target.object", response.ErrorField);
        Assert.Contains("not a valid file name", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("create it first", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_to_csv_header_out_of_order_returns_422()
    {
        var (modelId, connectionId) = await CreateModelAndTargetAsync("csv", "id,name,email,note\r\n");

        var response = await server.Client.PostAsync("/api/syncs", AppendBody(modelId, connectionId, "people.csv"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("invalid_field_mapping", response.ErrorKey);
        Assert.Equal("fields[0].target", response.ErrorField);
        Assert.Contains("column 1 is id", response.Text, StringComparison.Ordinal);
        Assert.Contains("in this order", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_missing_csv_column_returns_422()
    {
        var (modelId, connectionId) = await CreateModelAndTargetAsync("csv", "name,email,note,phone\r\n");

        var response = await server.Client.PostAsync("/api/syncs", AppendBody(modelId, connectionId, "people.csv"));

        Assert.Equal((HttpStatusCode)422, response.Status);
        Assert.Equal("invalid_field_mapping", response.ErrorKey);
        Assert.Equal("fields", response.ErrorField);
        Assert.Contains("column phone is not mapped", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_matching_csv_header_is_accepted()
    {
        var (modelId, connectionId) = await CreateModelAndTargetAsync("csv", "name,email,note\r\n");

        var response = await server.Client.PostAsync("/api/syncs", AppendBody(modelId, connectionId, "people.csv"));

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
    }

    [Fact]
    public async Task Replace_may_add_csv_columns()
    {
        var (modelId, connectionId) = await CreateModelAndTargetAsync("csv", "id,phone\r\n");
        var body = TestObjects.SyncBody(modelId, connectionId);
        body["mode"] = "replace";
        body["target"]!["object"] = "people.csv";

        var response = await server.Client.PostAsync("/api/syncs", body);

        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
    }

    /// <summary>
    /// Creates a model of people and a files connection on a new directory; <paramref name="peopleCsv"/>, when set, is
    /// written to people.csv there.
    /// </summary>
    private async Task<(string ModelId, string ConnectionId)> CreateModelAndTargetAsync(string format, string? peopleCsv = null)
    {
        var source = await TestObjects.CreateSqliteConnectionAsync(server, server.Client, TestObjects.PeopleSql, "source");
        var model = await TestObjects.CreateModelAsync(server.Client, source);
        var directory = "exports-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Path.Combine(server.FilesRoot, directory));
        if (peopleCsv is not null)
        {
            File.WriteAllText(Path.Combine(server.FilesRoot, directory, "people.csv"), peopleCsv);
        }

        var target = await server.Client.PostAsync("/api/connections", FilesConnectionBody(directory, format));
        Assert.True(target.Status == HttpStatusCode.OK, target.Text);
        return (model["id"]!.GetValue<string>(), target.Data["id"]!.GetValue<string>());
    }

    /// <summary>An append sync that maps name, email and note, in this order, to <paramref name="objectId"/>.</summary>
    private static JsonObject AppendBody(string modelId, string connectionId, string objectId)
    {
        var body = TestObjects.SyncBody(modelId, connectionId);
        body["mode"] = "append";
        body.Remove("identity");
        body["target"]!["object"] = objectId;
        return body;
    }

    private static JsonObject FilesConnectionBody(string directory, string format) => new()
    {
        ["name"] = "exports",
        ["type"] = "files",
        ["configuration"] = new JsonObject { ["directory"] = directory, ["format"] = format },
    };
}
