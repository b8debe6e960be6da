using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MySqlConnector;

namespace Outflow.Testing;

/// <summary>
/// A throwaway MariaDB server for tests, built from Debian's mariadb-server package (mariadb-install-db and mariadbd).
/// It runs as the current OS user, listens on 127.0.0.1 only on a free port, keeps its Unix socket in its temporary
/// directory, and has a user <c>outflow</c> with a random password for TCP logins. Dispose stops it and removes its directory.
/// </summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    private const string Username = "outflow";
    private const int StartAttempts = 3;

    private readonly string _rootDirectory;
    private readonly SemaphoreSlim _restart = new(1, 1);
    private Process? _process;
    private int _databaseCounter;

    private MariaDbServer(string rootDirectory, string password)
    {
        _rootDirectory = rootDirectory;
        Password = password;
    }

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    public string Password { get; }

    private string DataDirectory => Path.Combine(_rootDirectory, "data");

    private string SocketPath => Path.Combine(_rootDirectory, "mysqld.sock");

    private string LogFile => Path.Combine(_rootDirectory, "server.log");

    /// <summary>Creates a data directory in a new temporary directory and starts a server on it.</summary>
    /// <exception cref="InvalidOperationException">MariaDB is not installed, or the server failed to start.</exception>
    public static async Task<MariaDbServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists("/usr/sbin/mariadbd") || !File.Exists("/usr/bin/mariadb-install-db"))
        {
            throw new InvalidOperationException(
                "MariaDB server binaries (/usr/sbin/mariadbd, /usr/bin/mariadb-install-db) were not found. " +
                "Run the project's test script (scripts/test.sh), which installs them, or install the Debian package mariadb-server.");
        }

        var rootDirectory = Path.Combine(Path.GetTempPath(), "outflow-mariadb-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(rootDirectory);
        var server = new MariaDbServer(rootDirectory, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        try
        {
            await server.InitializeAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a new, empty database and returns its name, a connection string and an Outflow <c>mysql</c> configuration.</summary>
    public async Task<MariaDbDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        await EnsureRunningAsync(cancellationToken);
        var name = "outflow_test_" + Interlocked.Increment(ref _databaseCounter).ToString(CultureInfo.InvariantCulture);
        await ExecuteAsAdminAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", cancellationToken);
        var configuration = new JsonObject
        {
            ["hostname"] = Host,
            ["port"] = Port,
            ["database"] = name,
            ["username"] = Username,
            ["password"] = Password,
            ["ssl"] = false,
        };
        var connectionString = new MySqlConnectionStringBuilder
        {
            Server = Host,
            Port = (uint)Port,
            Database = name,
            UserID = Username,
            Password = Password,
            SslMode = MySqlSslMode.None,
        }.ConnectionString;
        return new MariaDbDatabase(name, connectionString, configuration);
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        _restart.Dispose();

        try
        {
            Directory.Delete(_rootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory must not fail the test run.
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var user = Environment.UserName;
        await RunAsync(
            "/usr/bin/mariadb-install-db",
            ["--no-defaults", "--datadir=" + DataDirectory, "--user=" + user, "--auth-root-authentication-method=normal", "--skip-test-db"],
            cancellationToken);

        await StartServerAsync(user, cancellationToken);
        await ExecuteAsAdminAsync(
            $"CREATE USER '{Username}'@'127.0.0.1' IDENTIFIED BY '{Password}'; GRANT ALL ON *.* TO '{Username}'@'127.0.0.1'",
            cancellationToken);
    }

    /// <summary>
    /// Starts the server again on the same data directory when it has exited, so that one crash of mariadbd fails the
    /// test that was running instead of every test after it. The log of the crashed server goes to standard error.
    /// </summary>
    private async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        await _restart.WaitAsync(cancellationToken);
        try
        {
            if (_process is { HasExited: false })
            {
                return;
            }

            await Console.Error.WriteLineAsync($"mariadbd exited during the tests; starting it again. Its log:\n{await ReadLogAsync(cancellationToken)}");
            _process?.Dispose();
            _process = null;
            MySqlConnection.ClearAllPools();
            await StartServerAsync(Environment.UserName, cancellationToken);
        }
        finally
        {
            _restart.Release();
        }
    }

    private async Task StartServerAsync(string user, CancellationToken cancellationToken)
    {
        // Another process can take the port between probing and binding, so a failed start retries on a new port.
        for (var attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            if (await TryStartAsync(user, cancellationToken))
            {
                break;
            }

            if (attempt >= StartAttempts)
            {
                throw new InvalidOperationException($"mariadbd did not start:\n{await ReadLogAsync(cancellationToken)}");
            }
        }
    }

    private async Task<string> ReadLogAsync(CancellationToken cancellationToken) =>
        File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "";

    private async Task<bool> TryStartAsync(string user, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("/usr/sbin/mariadbd") { UseShellExecute = false, WorkingDirectory = _rootDirectory };

        // Each server keeps its temporary tables in a directory of its own. With the shared /tmp, a catalog query
        // failed once because the file of its temporary table was gone.
        var temporaryDirectory = Directory.CreateDirectory(Path.Combine(_rootDirectory, "tmp")).FullName;

        // Durability settings are off because the server is thrown away after the tests.
        string[] arguments =
        [
            "--no-defaults", "--datadir=" + DataDirectory, "--user=" + user, "--port=" + Port.ToString(CultureInfo.InvariantCulture),
            "--bind-address=127.0.0.1", "--skip-networking=0", "--socket=" + SocketPath, "--pid-file=" + Path.Combine(_rootDirectory, "mysqld.pid"),
            "--log-error=" + LogFile, "--tmpdir=" + temporaryDirectory, "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
            "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0", "--max-connections=200",
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("Failed to start mariadbd.");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                _process.Dispose();
                _process = null;
                return false;
            }

            try
            {
                await ExecuteAsAdminAsync("SELECT 1", cancellationToken);
                return true;
            }
            catch (MySqlException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        return false;
    }

    /// <summary>
    /// Runs statements as root over the Unix socket, where root logs in without a password. Tests use it for what the
    /// test user may not do, such as granting privileges to another user.
    /// </summary>
    public async Task ExecuteAsAdminAsync(string sql, CancellationToken cancellationToken = default)
    {
        var connectionString = new MySqlConnectionStringBuilder
        {
            Server = SocketPath,
            ConnectionProtocol = MySqlConnectionProtocol.UnixSocket,
            UserID = "root",
            Pooling = false,
        }.ConnectionString;
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _rootDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Failed to start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.\n{await output}\n{await error}");
        }
    }
}

/// <summary>A test database on a <see cref="MariaDbServer"/>: its name, a MySqlConnector connection string and an Outflow <c>mysql</c> configuration.</summary>
public sealed record MariaDbDatabase(string Name, string ConnectionString, JsonObject Configuration)
{
    /// <summary>Runs SQL as the test user in this database and returns the first column of each row as invariant text.</summary>
    public async Task<List<string>> ReadColumnAsync(string sql)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return rows;
    }
}
