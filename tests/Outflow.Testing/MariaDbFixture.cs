using Xunit;

namespace Outflow.Testing;

/// <summary>
/// An xunit collection fixture that starts one <see cref="MariaDbServer"/> for a test assembly, declared as
/// <see cref="PostgresFixture"/> is, with <see cref="CollectionName"/>. Tests isolate themselves with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class MariaDbFixture : IAsyncLifetime
{
    public const string CollectionName = "mariadb";

    private MariaDbServer? _server;

    /// <exception cref="InvalidOperationException">The fixture has not been initialized by xunit.</exception>
    public MariaDbServer Server => _server ?? throw new InvalidOperationException("The MariaDB fixture has not started yet.");

    public Task<MariaDbDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default) => Server.CreateDatabaseAsync(cancellationToken);

    public async Task InitializeAsync()
    {
        _server = await MariaDbServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
