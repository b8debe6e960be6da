using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Outflow.Hosting;

/// <summary>A started server: its address, its services and the admin key created on first start, if any.</summary>
public sealed class RunningServer(WebApplication application, string? generatedAdminKey) : IAsyncDisposable
{
    public WebApplication Application { get; } = application;

    public IServiceProvider Services => Application.Services;

    /// <summary>The admin key generated on first start without a bootstrap key; null otherwise.</summary>
    public string? GeneratedAdminKey { get; } = generatedAdminKey;

    /// <summary>The first address the server listens on, with port 0 resolved to the real port.</summary>
    public Uri BaseAddress
    {
        get
        {
            var server = Application.Services.GetRequiredService<IServer>();
            var addresses = server.Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Application.StopAsync();
        await Application.DisposeAsync();
    }
}
