using Microsoft.Extensions.Configuration;

namespace Outflow.Hosting;

/// <summary>
/// Reads <see cref="ServerSettings"/> from <c>appsettings.json</c> in the working directory and from
/// environment variables prefixed <c>OUTFLOW_</c>. Both use the variable names without the prefix as keys
/// (<c>DATA_DIR</c>, <c>URLS</c>, <c>STORE</c>, <c>FILES_ROOT</c>, <c>BOOTSTRAP_KEY</c>, <c>MASTER_KEY</c>).
/// </summary>
internal static class SettingsLoader
{
    public static ServerSettings Load(string? dataDirectory = null, string? urls = null, string? store = null, string? filesRoot = null)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("OUTFLOW_")
            .Build();

        var defaults = new ServerSettings();
        return new ServerSettings
        {
            DataDirectory = dataDirectory ?? configuration["DATA_DIR"] ?? defaults.DataDirectory,
            Urls = urls ?? configuration["URLS"] ?? defaults.Urls,
            Store = store ?? configuration["STORE"] ?? defaults.Store,
            FilesRoot = filesRoot ?? configuration["FILES_ROOT"],
            BootstrapKey = configuration["BOOTSTRAP_KEY"],
            MasterKey = configuration["MASTER_KEY"],
        };
    }
}
