using Microsoft.Extensions.Configuration;
using Outflow.Hosting;

namespace Outflow.Api.Tests;

public sealed class HostConfigurationTests
{
    [Fact]
    public async Task Server_watches_no_configuration_file()
    {
        // A watched file source puts a watch on the content root, the data directory, which every write of the store,
        // the logs and the scratch files would then wake.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "outflow-api-" + Guid.NewGuid().ToString("N"));
        var settings = new ServerSettings
        {
            DataDirectory = dataDirectory,
            Urls = "http://127.0.0.1:0",
            BootstrapKey = ApiServerFixture.AdminKey,
        };
        try
        {
            await using var server = await OutflowServer.StartAsync(settings, CancellationToken.None);
            var sources = ((IConfigurationBuilder)server.Application.Configuration).Sources.OfType<FileConfigurationSource>().ToList();

            Assert.NotEmpty(sources);
            Assert.All(sources, source => Assert.False(source.ReloadOnChange, source.Path));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
