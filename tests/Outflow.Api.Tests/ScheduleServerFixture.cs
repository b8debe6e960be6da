using Outflow.Hosting;

namespace Outflow.Api.Tests;

/// <summary>A real server, like <see cref="ApiServerFixture"/>, whose continuous syncs start at most once per <see cref="ContinuousInterval"/>.</summary>
public sealed class ScheduleServerFixture : IAsyncLifetime
{
    public static readonly TimeSpan ContinuousInterval = TimeSpan.FromSeconds(1);

    public ApiServerFixture Server { get; } = new(new ServerSettings { RateLimitPerSecond = 0, ContinuousInterval = ContinuousInterval });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
