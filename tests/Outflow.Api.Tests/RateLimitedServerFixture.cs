using Outflow.Hosting;

namespace Outflow.Api.Tests;

/// <summary>A real server, like <see cref="ApiServerFixture"/>, whose API keys may send 1 request per second with bursts of <see cref="Burst"/>.</summary>
public sealed class RateLimitedServerFixture : IAsyncLifetime
{
    public const int Burst = 5;

    public ApiServerFixture Server { get; } = new(new ServerSettings { RateLimitPerSecond = 1, RateLimitBurst = Burst });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
