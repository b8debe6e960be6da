using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Outflow.Connectors.Sqlite;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

public sealed class SqliteConnectionsTests : IDisposable
{
    private readonly SqliteFiles _files = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OpenAsync_connection_cannot_attach(bool readOnly)
    {
        _files.CreateDatabase("app.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
        var outside = _files.CreateOutsideDatabase("secret.db", "CREATE TABLE secret (value TEXT);");
        var connection = await SqliteConnections.OpenAsync(Settings("app.db"), readOnly, CancellationToken.None);
        await using (connection)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"ATTACH DATABASE '{outside}' AS s";

            var exception = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());

            Assert.Contains("too many attached databases", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenAsync_link_created_after_validation_is_rejected()
    {
        _files.CreateDatabase("app.db", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
        var outside = _files.CreateOutsideDatabase("secret.db", "CREATE TABLE secret (value TEXT);");
        var settings = Settings("app.db");
        File.Delete(Path.Combine(_files.Root, "app.db"));
        File.CreateSymbolicLink(Path.Combine(_files.Root, "app.db"), outside);

        var exception = await Assert.ThrowsAsync<ConnectorException>(
            () => SqliteConnections.OpenAsync(settings, readOnly: true, CancellationToken.None));

        Assert.Contains("must be inside the files root", exception.Message, StringComparison.Ordinal);
        Assert.Contains("app.db", exception.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private SqliteSettings Settings(string path)
    {
        var problems = new List<ConfigurationProblem>();
        var settings = SqliteSettings.Parse(new JsonObject { ["path"] = path }, _files.Environment, problems);
        Assert.Empty(problems);
        return settings!;
    }
}
