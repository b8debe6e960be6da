using System.CommandLine;

namespace Outflow.Client;

/// <summary>The options of the commands that talk to a running server: its address, an API key, and JSON output.</summary>
internal sealed class ClientOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The server's address [env: OUTFLOW_URL, default: {DefaultUrl}]",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "An API key of the organization to work in [env: OUTFLOW_API_KEY]",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of tables and progress bars",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(ApiKey);
        command.Options.Add(Json);
    }

    /// <summary>Creates a client from the options, falling back to the environment variables.</summary>
    /// <exception cref="ClientException">The key is missing, or the address is not an http or https URL.</exception>
    public ServerClient CreateClient(ParseResult parseResult)
    {
        var url = FirstSet(parseResult.GetValue(Url), Environment.GetEnvironmentVariable("OUTFLOW_URL")) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ClientException($"--url must be an http or https URL such as {DefaultUrl}, got \"{url}\"");
        }

        var key = FirstSet(parseResult.GetValue(ApiKey), Environment.GetEnvironmentVariable("OUTFLOW_API_KEY"))
            ?? throw new ClientException(
                "missing API key: pass --api-key or set OUTFLOW_API_KEY. `outflow serve` prints the first one on an " +
                "empty store, and `outflow keys create --org NAME` makes more.");

        // Without a trailing slash, relative paths would replace the URL's last segment instead of adding to it.
        var baseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        return new ServerClient(baseAddress, key);
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value))?.Trim();
}
