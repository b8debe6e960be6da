using System.CommandLine;

namespace Outflow.Commands;

/// <summary>The options that commands working on the store or running a server share.</summary>
internal sealed class ServerOptions
{
    public Option<string?> DataDirectory { get; } = new("--data-dir")
    {
        Description = "Directory of the SQLite store, execution log files and master key [env: OUTFLOW_DATA_DIR, default: ./.outflow]",
    };

    public Option<string?> Urls { get; } = new("--urls")
    {
        Description = "Where the API listens, semicolon-separated [env: OUTFLOW_URLS, default: http://127.0.0.1:8080]",
    };

    public Option<string?> Store { get; } = new("--store")
    {
        Description = "The metadata store: sqlite (a file in the data directory) or a PostgreSQL connection string, Host=...;Database=...;Username=...;Password=... or postgresql://user:password@host:port/database [env: OUTFLOW_STORE, default: sqlite]",
    };

    public Option<string?> FilesRoot { get; } = new("--files-root")
    {
        Description = "The only directory sqlite and files connections may use [env: OUTFLOW_FILES_ROOT, default: DATA_DIR/files]",
    };

    public void AddTo(Command command, bool withUrls)
    {
        command.Options.Add(DataDirectory);
        command.Options.Add(Store);
        command.Options.Add(FilesRoot);
        if (withUrls)
        {
            command.Options.Add(Urls);
        }
    }

    public Hosting.ServerSettings Load(ParseResult parseResult) => Hosting.SettingsLoader.Load(
        parseResult.GetValue(DataDirectory),
        parseResult.GetValue(Urls),
        parseResult.GetValue(Store),
        parseResult.GetValue(FilesRoot));
}
