using System.Text.Json.Nodes;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

public sealed class SqliteConnectorFactoryTests : IDisposable
{
    private readonly SqliteFiles _files = new();
    private readonly SqliteConnectorFactory _factory = new();

    [Fact]
    public void Validate_missing_path_is_invalid()
    {
        var problem = Assert.Single(_factory.Validate(new JsonObject(), _files.Environment));

        Assert.Equal("configuration.path", problem.Field);
    }

    [Fact]
    public void Validate_non_string_path_is_invalid()
    {
        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = 7 }, _files.Environment));

        Assert.Equal("configuration.path", problem.Field);
    }

    [Theory]
    [InlineData("../outside.db")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../escape.db")]
    public void Validate_path_outside_files_root_is_invalid(string path)
    {
        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = path }, _files.Environment));

        Assert.Equal("configuration.path", problem.Field);
        Assert.Equal(path, problem.Value);
        Assert.Contains("must be inside the files root", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_relative_and_absolute_inside_root_are_valid()
    {
        Assert.Empty(_factory.Validate(new JsonObject { ["path"] = "data/app.db" }, _files.Environment));
        Assert.Empty(_factory.Validate(new JsonObject { ["path"] = Path.Combine(_files.Root, "app.db") }, _files.Environment));
    }

    [Fact]
    public async Task TestAsync_existing_database_succeeds()
    {
        _files.CreateDatabase("app.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);");

        await _factory.TestAsync(new JsonObject { ["path"] = "app.db" }, _files.Environment, CancellationToken.None);
    }

    [Fact]
    public async Task TestAsync_missing_file_fails_without_creating_it()
    {
        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => _factory.TestAsync(new JsonObject { ["path"] = "missing.db" }, _files.Environment, CancellationToken.None));

        Assert.Contains("does not exist", exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_files.Root, "missing.db")));
    }

    [Fact]
    public async Task TestAsync_non_database_file_fails()
    {
        await File.WriteAllTextAsync(Path.Combine(_files.Root, "notes.db"), "this is not a database, just some text that is long enough");

        await Assert.ThrowsAsync<ConnectorException>(
            () => _factory.TestAsync(new JsonObject { ["path"] = "notes.db" }, _files.Environment, CancellationToken.None));
    }

    public void Dispose() => _files.Dispose();
}
