using Microsoft.Data.Sqlite;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Outflow.Bench;

/// <summary>
/// An <c>outflow serve</c> process with the embedded SQLite store, listening on 127.0.0.1 and started from the Release
/// build. Each instance has its own data directory, so its peak memory covers only the work done through it.
/// </summary>
internal sealed class OutflowServer : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-0123456789";

    private readonly Process _process;
    private readonly string _serverDll;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private OutflowServer(
        Process process, string serverDll, IReadOnlyDictionary<string, string> environment, string dataDirectory, Uri baseAddress)
    {
        _process = process;
        _serverDll = serverDll;
        _environment = environment;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        Api = new OutflowApi(baseAddress, AdminKey);
    }

    public string DataDirectory { get; }

    /// <summary>Root of the paths of <c>sqlite</c> connections: the default <c>files</c> under the data directory.</summary>
    public string FilesRoot => Path.Combine(DataDirectory, "files");

    /// <summary>The store's SQLite database file.</summary>
    public string StorePath => Path.Combine(DataDirectory, "outflow.db");

    public Uri BaseAddress { get; }

    public OutflowApi Api { get; }

    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts a server on a free port and waits at most 60 seconds until <c>/healthz</c> returns 200. The environment
    /// variables are set after the harness's own, so they can turn the rate limit back on.
    /// </summary>
    public static async Task<OutflowServer> StartAsync(
        string repositoryDirectory, string dataDirectory, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var serverDll = Path.Combine(repositoryDirectory, "src/Outflow/bin/Release/net10.0/outflow.dll");
        if (!File.Exists(serverDll))
        {
            throw new InvalidOperationException(
                $"{serverDll} not found: build it first with `dotnet build src/Outflow -c Release`.");
        }

        Directory.CreateDirectory(Path.Combine(dataDirectory, "files"));
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var log = Path.Combine(dataDirectory, "serve.log");

        // exec makes the server the process that bash started, so its id is the one whose VmHWM is read.
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec dotnet {Shell.Quote(serverDll)} serve --data-dir {Shell.Quote(dataDirectory)} " +
            $"--urls {baseAddress.GetLeftPart(UriPartial.Authority)} >{Shell.Quote(log)} 2>&1");
        start.Environment["OUTFLOW_BOOTSTRAP_KEY"] = AdminKey;

        // The harness polls every 20 ms and walks a thousand pages, which the default limit of 50 requests per second
        // would throttle.
        start.Environment["OUTFLOW_RATE_LIMIT_PER_SECOND"] = "0";
        environment ??= new Dictionary<string, string>();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Starting outflow serve failed.");
        var server = new OutflowServer(process, serverDll, environment, dataDirectory, baseAddress);
        try
        {
            await server.WaitUntilHealthyAsync(log, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Creates a user API key in the organization of the admin key with <c>outflow keys create</c>, which opens the
    /// server's store from a second process, and returns the key.
    /// </summary>
    public async Task<string> CreateApiKeyAsync(string name, CancellationToken cancellationToken)
    {
        var script = $"dotnet {Shell.Quote(_serverDll)} keys create --org default --name {Shell.Quote(name)} " +
            $"--data-dir {Shell.Quote(DataDirectory)}";
        var (_, output) = await Shell.RunAsync(script, _environment, cancellationToken);
        return output.Trim();
    }

    /// <summary>
    /// Inserts copies of the template execution straight into the SQLite store, each one second older than the one
    /// before, so List Executions (newest first) returns the template first. The server keeps running: the store is
    /// in WAL mode, and the busy timeout covers the server's own short writes.
    /// </summary>
    public async Task InsertExecutionCopiesAsync(string templateId, long copies, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = StorePath, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // The copies' version digit is 0, so their ids cannot collide with the version 4 ids of Guid.NewGuid that the
        // server creates.
        command.CommandText =
            """
            PRAGMA busy_timeout = 30000;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies)
            INSERT INTO executions
                (id, organization_id, sync_id, status, type, created_at, started_at, completed_at, sort_key,
                 count_total, count_insert, count_update, count_upserts, count_delete, count_error, count_warnings,
                 errors, configuration, encryption_passphrase, options, cancel_requested)
            SELECT printf('%08x-0000-0000-8000-%012x', i, i), e.organization_id, e.sync_id, e.status, e.type,
                   e.created_at - i * 1000, e.started_at - i * 1000, e.completed_at - i * 1000, e.sort_key - i * 1000,
                   e.count_total, e.count_insert, e.count_update, e.count_upserts, e.count_delete, e.count_error,
                   e.count_warnings, e.errors, e.configuration, e.encryption_passphrase, e.options, 0
            FROM executions e, n
            WHERE e.id = $template;
            """;
        command.Parameters.AddWithValue("$copies", copies);
        command.Parameters.AddWithValue("$template", templateId);
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken);
        if (inserted != copies)
        {
            throw new BenchCheckException($"Inserted {inserted} copies of execution {templateId} into the store, expected {copies}.");
        }
    }

    /// <summary>Returns the process's peak resident set size (VmHWM in /proc/PID/status, in KiB) in megabytes of 10^6 bytes.</summary>
    public double PeakMemoryMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kibibytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kibibytes * 1024 / 1e6;
            }
        }

        throw new InvalidOperationException($"/proc/{_process.Id}/status has no VmHWM line.");
    }

    /// <summary>Stops the server with SIGTERM, and kills it when it has not exited after 10 seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(CancellationToken.None);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(string log, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"outflow serve exited with code {_process.ExitCode} while starting; see {log}.");
            }

            if (await Api.IsHealthyAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        throw new TimeoutException($"outflow serve did not respond to /healthz within 60 seconds: see {log}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
