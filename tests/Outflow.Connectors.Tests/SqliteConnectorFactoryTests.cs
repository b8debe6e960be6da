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
        Assert.True(problem.IsWrongType);
    }

    [Fact]
    public void Validate_empty_path_is_invalid_but_right_type()
    {
        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = " " }, _files.Environment));

        Assert.Equal("configuration.path", problem.Field);
        Assert.False(problem.IsWrongType);
    }

    [Fact]
    public void Validate_file_link_to_outside_is_invalid()
    {
        var outside = _files.CreateOutsideDatabase("secret.db", "CREATE TABLE secret (value TEXT);");
        File.CreateSymbolicLink(Path.Combine(_files.Root, "link.sqlite"), outside);

        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = "link.sqlite" }, _files.Environment));

        Assert.Equal("configuration.path", problem.Field);
        Assert.False(problem.IsWrongType);
        Assert.Contains("must be inside the files root", problem.Message, StringComparison.Ordinal);
        Assert.Contains("link.sqlite", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(outside, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Outside, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Root, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_proc_self_fd_hides_link_target()
    {
        // Standard output of the test process links to a file, pipe or terminal, and that target must not appear in the message.
        var target = new FileInfo("/proc/self/fd/1").LinkTarget;
        Assert.NotNull(target);

        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = "/proc/self/fd/1" }, _files.Environment));

        Assert.Equal("configuration.path", problem.Field);
        Assert.Contains("must be inside the files root", problem.Message, StringComparison.Ordinal);
        Assert.Contains("/proc/self/fd/1", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(target, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Root, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_proc_self_exe_and_cwd_hide_server_paths()
    {
        var executable = new FileInfo("/proc/self/exe").LinkTarget;
        var workingDirectory = new DirectoryInfo("/proc/self/cwd").LinkTarget;
        Assert.NotNull(executable);
        Assert.NotNull(workingDirectory);

        var exe = Assert.Single(_factory.Validate(new JsonObject { ["path"] = "/proc/self/exe" }, _files.Environment));
        var cwd = Assert.Single(_factory.Validate(new JsonObject { ["path"] = "/proc/self/cwd/app.db" }, _files.Environment));

        Assert.DoesNotContain(executable, exe.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(workingDirectory, cwd.Message, StringComparison.Ordinal);
        Assert.Contains("/proc/self/cwd/app.db", cwd.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dirlink/secret.db")]
    [InlineData("sub/../dirlink/secret.db")]
    [InlineData("chain/secret.db")]
    public void Validate_directory_link_to_outside_is_invalid(string path)
    {
        _files.CreateOutsideDatabase("secret.db", "CREATE TABLE secret (value TEXT);");
        Directory.CreateDirectory(Path.Combine(_files.Root, "sub"));
        Directory.CreateSymbolicLink(Path.Combine(_files.Root, "dirlink"), _files.Outside);
        Directory.CreateSymbolicLink(Path.Combine(_files.Root, "chain"), "dirlink");

        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = path }, _files.Environment));

        Assert.Contains("must be inside the files root", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_dot_dot_after_link_follows_target()
    {
        // The operating system applies ".." to the link's target, so this names a file next to the outside directory.
        Directory.CreateDirectory(Path.Combine(_files.Outside, "deeper"));
        Directory.CreateSymbolicLink(Path.Combine(_files.Root, "dirlink"), Path.Combine(_files.Outside, "deeper"));

        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = "dirlink/../secret.db" }, _files.Environment));

        Assert.Contains("must be inside the files root", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Outside, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_links_inside_root_are_valid()
    {
        _files.CreateDatabase("app.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
        Directory.CreateDirectory(Path.Combine(_files.Root, "data"));
        File.CreateSymbolicLink(Path.Combine(_files.Root, "data", "alias.db"), "../app.db");
        Directory.CreateSymbolicLink(Path.Combine(_files.Root, "same"), _files.Root);

        Assert.Empty(_factory.Validate(new JsonObject { ["path"] = "data/alias.db" }, _files.Environment));
        Assert.Empty(_factory.Validate(new JsonObject { ["path"] = "same/app.db" }, _files.Environment));
        await _factory.TestAsync(new JsonObject { ["path"] = "data/alias.db" }, _files.Environment, CancellationToken.None);
    }

    [Fact]
    public async Task Validate_linked_files_root_is_followed()
    {
        _files.CreateDatabase("app.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
        var linkedRoot = Path.Combine(_files.Outside, "root-link");
        Directory.CreateSymbolicLink(linkedRoot, _files.Root);
        var environment = new ConnectorEnvironment(linkedRoot);

        Assert.Empty(_factory.Validate(new JsonObject { ["path"] = "app.db" }, environment));
        Assert.Empty(_factory.Validate(new JsonObject { ["path"] = Path.Combine(_files.Root, "app.db") }, environment));
        Assert.Single(_factory.Validate(new JsonObject { ["path"] = "../secret.db" }, environment));
        await _factory.TestAsync(new JsonObject { ["path"] = "app.db" }, environment, CancellationToken.None);
    }

    [Fact]
    public void Validate_link_cycle_is_invalid()
    {
        File.CreateSymbolicLink(Path.Combine(_files.Root, "a.db"), "b.db");
        File.CreateSymbolicLink(Path.Combine(_files.Root, "b.db"), "a.db");

        var problem = Assert.Single(_factory.Validate(new JsonObject { ["path"] = "a.db" }, _files.Environment));

        Assert.Contains("symbolic links", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Root, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAsync_link_to_outside_created_after_validation_fails()
    {
        var outside = _files.CreateOutsideDatabase("secret.db", "CREATE TABLE secret (value TEXT);");
        var configuration = new JsonObject { ["path"] = "later.db" };
        Assert.Empty(_factory.Validate(configuration, _files.Environment));
        var source = _factory.CreateSource(configuration, _files.Environment);
        File.CreateSymbolicLink(Path.Combine(_files.Root, "later.db"), outside);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => source.DescribeAsync(new ModelSource("SELECT * FROM secret", null), CancellationToken.None));

        Assert.Contains("must be inside the files root", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(outside, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Root, exception.Message, StringComparison.Ordinal);
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
        Assert.Contains("missing.db", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Root, exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_files.Root, "missing.db")));
    }

    [Fact]
    public async Task TestAsync_non_database_file_fails()
    {
        await File.WriteAllTextAsync(Path.Combine(_files.Root, "notes.db"), "this is not a database, just some text that is long enough");

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => _factory.TestAsync(new JsonObject { ["path"] = "notes.db" }, _files.Environment, CancellationToken.None));

        Assert.Contains("notes.db", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_files.Root, exception.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
