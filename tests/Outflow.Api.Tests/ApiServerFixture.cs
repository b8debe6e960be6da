using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Outflow.Core.Organizations;
using Outflow.Hosting;

namespace Outflow.Api.Tests;

/// <summary>
/// A real Outflow server on a free port of 127.0.0.1 with its own data directory, shared by the tests of one
/// class. Tests create their own objects, so they do not depend on each other.
/// </summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    public const string AdminKey = "api-tests-admin-key-0123456789abcdef";

    private readonly ServerSettings _settings;

    private RunningServer? _server;

    /// <summary>
    /// Creates a fixture whose server has no rate limit: a test class sends its requests back to back, faster than the
    /// default limit allows. RateLimitTests run a server with a limit.
    /// </summary>
    public ApiServerFixture()
        : this(new ServerSettings { RateLimitPerSecond = 0 })
    {
    }

    /// <summary>Creates a fixture whose server uses <paramref name="settings"/> except for the data directory, URLs and bootstrap key.</summary>
    internal ApiServerFixture(ServerSettings settings)
    {
        _settings = settings;
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "outflow-api-" + Guid.NewGuid().ToString("N"));

    public string FilesRoot => Path.Combine(DataDirectory, "files");

    public RunningServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    public ApiClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await OutflowServer.StartAsync(
            _settings with { DataDirectory = DataDirectory, Urls = "http://127.0.0.1:0", BootstrapKey = AdminKey },
            CancellationToken.None);
        Client = CreateClient(new AuthenticationHeaderValue("Bearer", AdminKey));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }

    public ApiClient CreateClient(AuthenticationHeaderValue? authorization) => new(Server.BaseAddress, authorization);

    public T GetService<T>()
        where T : notnull => Server.Services.GetRequiredService<T>();

    /// <summary>Creates a new organization with a key of the given kind and returns a client that uses it.</summary>
    public async Task<(Organization Organization, ApiClient Client)> CreateOrganizationAsync(ApiKeyKind kind = ApiKeyKind.User)
    {
        var organizations = GetService<IOrganizationStore>();
        var organization = await organizations.GetOrCreateOrganizationAsync("org-" + Guid.NewGuid().ToString("N"), CancellationToken.None);
        var key = ApiKeySecret.Generate();
        await organizations.CreateApiKeyAsync(organization.Id, "test key", kind, ApiKeySecret.Hash(key), CancellationToken.None);
        return (organization, CreateClient(new AuthenticationHeaderValue("Bearer", key)));
    }

    /// <summary>Creates a SQLite database file under the files root by running <paramref name="sql"/>; returns its relative path.</summary>
    public async Task<string> CreateSqliteDatabaseAsync(string sql)
    {
        Directory.CreateDirectory(FilesRoot);
        var name = "db-" + Guid.NewGuid().ToString("N") + ".sqlite";
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(FilesRoot, name), Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        return name;
    }
}
