using Outflow.Hosting;

namespace Outflow.EndToEnd.Tests;

/// <summary>A real Outflow server on a free port of 127.0.0.1, with its own data directory, and a client for it.</summary>
public sealed class ServerScope : IAsyncDisposable
{
    public const string AdminKey = "end-to-end-admin-key-0123456789";

    private ServerScope(RunningServer server, string dataDirectory)
    {
        Server = server;
        DataDirectory = dataDirectory;
        Client = new ApiClient(server.BaseAddress, AdminKey);
    }

    public RunningServer Server { get; }

    public string DataDirectory { get; }

    public string FilesRoot => Path.Combine(DataDirectory, "files");

    public ApiClient Client { get; }

    public static async Task<ServerScope> StartAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-e2e-" + Guid.NewGuid().ToString("N"));
        var server = await OutflowServer.StartAsync(
            new ServerSettings { DataDirectory = dataDirectory, Urls = "http://127.0.0.1:0", BootstrapKey = AdminKey },
            CancellationToken.None);
        return new ServerScope(server, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
