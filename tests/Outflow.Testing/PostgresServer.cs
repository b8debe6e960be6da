using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;

namespace Outflow.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests, built from the installed Debian binaries
/// (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>). It listens on 127.0.0.1 only, on a free port, with
/// scram-sha-256 authentication and a random superuser password. Each instance has its own data directory
/// and port, so several test assemblies can run at once. Dispose stops it and removes its directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const int StartAttempts = 3;

    private readonly string _binDirectory;
    private readonly string _rootDirectory;
    private readonly bool _runAsPostgresUser;
    private int _databaseCounter;

    private PostgresServer(string binDirectory, string rootDirectory, bool runAsPostgresUser, string password)
    {
        _binDirectory = binDirectory;
        _rootDirectory = rootDirectory;
        _runAsPostgresUser = runAsPostgresUser;
        Password = password;
    }

    /// <summary>The loopback address the server listens on.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The TCP port, chosen free when the server started.</summary>
    public int Port { get; private set; }

    /// <summary>The superuser's name.</summary>
    public string Username => SuperUser;

    /// <summary>The superuser's random password.</summary>
    public string Password { get; }

    /// <summary>A connection string to the <c>postgres</c> maintenance database as the superuser.</summary>
    public string AdminConnectionString => BuildConnectionString("postgres");

    private string DataDirectory => Path.Combine(_rootDirectory, "data");

    private string LogFile => Path.Combine(_rootDirectory, "server.log");

    /// <summary>Creates a cluster in a new temporary directory and starts it.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the cluster failed to start.</exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        var rootDirectory = Path.Combine(Path.GetTempPath(), "outflow-pg-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(rootDirectory);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var server = new PostgresServer(binDirectory, rootDirectory, Environment.IsPrivilegedProcess, password);
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

    /// <summary>
    /// Creates a new, empty database and returns its name, an Npgsql connection string to it and the
    /// configuration of an Outflow <c>postgresql</c> connection to it.
    /// </summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = "outflow_test_" + Interlocked.Increment(ref _databaseCounter).ToString(CultureInfo.InvariantCulture);
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var configuration = new JsonObject
        {
            ["hostname"] = Host,
            ["port"] = Port,
            ["database"] = name,
            ["username"] = Username,
            ["password"] = Password,
            ["ssl"] = false,
        };
        return new PostgresDatabase(name, BuildConnectionString(name), configuration);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // The directory is removed below either way; a server that did not stop dies with its files.
            }
        }

        try
        {
            Directory.Delete(_rootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory must not fail the test run.
        }
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
                .Where(candidate => candidate.Version > 0 && File.Exists(Path.Combine(candidate.Directory, "bin", "initdb")))
                .OrderByDescending(candidate => candidate.Version)
                .ToList()
            : [];
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries were not found under {root}/<version>/bin. " +
                "Run the project's test script (.ci/run), which installs PostgreSQL, or install the Debian package postgresql.");
        }

        return Path.Combine(candidates[0].Directory, "bin");
    }

    private static double ParseVersion(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var version) ? version : 0;

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(_rootDirectory, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken);
        await GiveToPostgresUserAsync(cancellationToken);

        await RunToolAsync(
            "initdb",
            ["-D", DataDirectory, "-U", SuperUser, "--auth=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--locale=C.UTF-8"],
            cancellationToken);
        File.Delete(passwordFile);

        // Durability settings are off because the cluster is thrown away after the tests. Every test database keeps the
        // idle connections of its pools open until the pools prune them, so the limit is well above one per test.
        var settings = string.Join(
            '\n',
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{_rootDirectory}'",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "max_connections = 400",
            "");
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings, cancellationToken);

        // Another process can take the port between probing and binding, so a failed start retries on a new port.
        for (var attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            try
            {
                await RunToolAsync(
                    "pg_ctl",
                    ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "-o", $"-p {Port}"],
                    cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts)
            {
            }
        }
    }

    private async Task GiveToPostgresUserAsync(CancellationToken cancellationToken)
    {
        if (!_runAsPostgresUser)
        {
            return;
        }

        await RunProcessAsync("chown", ["-R", SuperUser + ":", _rootDirectory], cancellationToken);
    }

    private string BuildConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = database,
            Username = Username,
            Password = Password,
            SslMode = SslMode.Disable,
        }.ConnectionString;

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory, tool);
        if (!_runAsPostgresUser)
        {
            return RunProcessAsync(path, arguments, cancellationToken);
        }

        // PostgreSQL refuses to run as root, so the tools run as the postgres OS user.
        return RunProcessAsync("runuser", ["-u", SuperUser, "--", path, .. arguments], cancellationToken);
    }

    private async Task RunProcessAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
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

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Failed to start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.\n" +
                $"{await output}\n{await error}\n{log}");
        }
    }
}
