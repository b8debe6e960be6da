using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Outflow.EndToEnd.Tests;

namespace Outflow.Browser.Tests;

/// <summary>
/// One <c>outflow serve</c> on a free port of 127.0.0.1 with the demo databases, and one headless Debian Chromium
/// driven by Playwright, shared by the dashboard tests. Each test makes its own syncs, so their order does not matter.
/// </summary>
public class DashboardServer : IAsyncLifetime
{
    public const string ApiKey = "dashboard-admin-key-0123456789";

    /// <summary>Debian's chromium package; Playwright's own browser downloads are not used.</summary>
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), "outflow-dashboard-" + Guid.NewGuid().ToString("N"));
    private readonly IReadOnlyDictionary<string, string> _settings;
    private OutflowProcess? _server;
    private IPlaywright? _playwright;

    public DashboardServer()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>Starts the server with these OUTFLOW_* environment variables added.</summary>
    protected DashboardServer(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
    }

    public Uri Address { get; private set; } = null!;

    public ApiClient Api { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string FilesRoot => Path.Combine(_workDirectory, ".outflow", "files");

    /// <summary>
    /// Where the tests write their screenshots: OUTFLOW_SCREENSHOT_DIR when set, relative to the repository root, else
    /// a temporary directory. The test host's working directory is not the shell's, so a relative path cannot use it.
    /// </summary>
    public string ScreenshotDirectory { get; } =
        Environment.GetEnvironmentVariable("OUTFLOW_SCREENSHOT_DIR") is { Length: > 0 } directory
            ? Path.GetFullPath(directory, OutflowProcess.RepositoryRoot())
            : Path.Combine(Path.GetTempPath(), "outflow-dashboard-screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} does not exist: install Debian's chromium package (scripts/test.sh does) to run the browser tests");
        }

        Directory.CreateDirectory(_workDirectory);
        Directory.CreateDirectory(ScreenshotDirectory);
        var environment = new Dictionary<string, string>
        {
            ["OUTFLOW_BOOTSTRAP_KEY"] = ApiKey,
            ["OUTFLOW_DATA_DIR"] = Path.Combine(_workDirectory, ".outflow"),
        };
        foreach (var (name, value) in _settings)
        {
            environment[name] = value;
        }

        (_server, Address) = await OutflowProcess.StartServerAsync(environment, "--urls", "http://127.0.0.1:0");
        var (exitCode, output, error) = await OutflowProcess.RunAsync(environment, "demo");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"outflow demo failed with exit code {exitCode}: {output}{error}");
        }

        Api = new ApiClient(Address, ApiKey);

        // The driver is the Node.js program inside the Microsoft.Playwright package; nothing is downloaded here.
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,

            // Without these, Chromium tries to reach Google's services at start, which a closed network refuses.
            Args =
            [
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Api?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_workDirectory, recursive: true);
    }

    /// <summary>Runs SQL on a SQLite file under the files root, such as a target table for a test's sync.</summary>
    public async Task ExecuteSqliteAsync(string file, string sql)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(FilesRoot, file), Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Creates a sqlite connection, a model with <paramref name="query"/> and a sync of it; returns the sync's id.</summary>
    public async Task<string> CreateSyncAsync(
        string name, string sourceFile, string query, string identity, string targetFile, string targetTable, IReadOnlyList<string> fields)
    {
        var source = await Api.PostAsync("api/connections", new { name = name + " source", type = "sqlite", configuration = new { path = sourceFile } });
        var target = await Api.PostAsync("api/connections", new { name = name + " target", type = "sqlite", configuration = new { path = targetFile } });
        var model = await Api.PostAsync("api/models", new
        {
            name,
            connection_id = Id(source),
            identifier = identity,
            configuration = new { query },
        });
        var modelId = Id(model);
        var sync = await Api.PostAsync("api/syncs", new
        {
            name,
            mode = "updateOrCreate",
            active = true,
            schedule = new { frequency = "manual" },
            target = new { connection_id = Id(target), @object = targetTable },
            identity = new { source = new { model_id = modelId, field = identity }, target = identity, function = "Equality" },
            fields = fields.Select(field => new { source = new { model_id = modelId, field }, target = field }).ToArray(),
        });
        return Id(sync);
    }

    private static string Id(JsonNode response) => response["data"]!["id"]!.GetValue<string>();
}
