using Xunit;

namespace Outflow.Testing;

/// <summary>
/// An xunit collection fixture that starts one <see cref="PostgresServer"/> for a test assembly.
/// Each test project that uses it declares the collection once:
/// <code>
/// [CollectionDefinition(PostgresFixture.CollectionName)]
/// public sealed class PostgresCollection : ICollectionFixture&lt;PostgresFixture&gt;;
/// </code>
/// and marks its test classes with <c>[Collection(PostgresFixture.CollectionName)]</c>, taking the fixture
/// in their constructor. Tests isolate themselves with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string CollectionName = "postgres";

    private PostgresServer? _server;

    /// <summary>The running server.</summary>
    /// <exception cref="InvalidOperationException">The fixture has not been initialized by xunit.</exception>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started yet.");

    /// <inheritdoc cref="PostgresServer.CreateDatabaseAsync"/>
    public Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default) =>
        Server.CreateDatabaseAsync(cancellationToken);

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
