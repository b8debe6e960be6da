using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Outflow.Hosting;

/// <summary>
/// Reads <see cref="ServerSettings"/> from <c>appsettings.json</c> in the working directory and from
/// environment variables prefixed <c>OUTFLOW_</c>. Both use the variable names without the prefix as keys
/// (<c>DATA_DIR</c>, <c>URLS</c>, <c>STORE</c>, <c>FILES_ROOT</c>, <c>BOOTSTRAP_KEY</c>, <c>MASTER_KEY</c>,
/// <c>LOG_URL_LIFETIME_SECONDS</c>).
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
            LogUrlLifetime = ReadLogUrlLifetime(configuration["LOG_URL_LIFETIME_SECONDS"]) ?? defaults.LogUrlLifetime,
        };
    }

    private static TimeSpan? ReadLogUrlLifetime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
        {
            throw new InvalidOperationException(
                $"LOG_URL_LIFETIME_SECONDS must be a whole number of seconds of at least 1, got \"{text}\"; fix it in appsettings.json or OUTFLOW_LOG_URL_LIFETIME_SECONDS");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
