namespace Outflow.Hosting;

/// <summary>
/// Settings of a server process, merged from <c>appsettings.json</c>, <c>OUTFLOW_*</c> environment variables
/// and command-line options (later sources win).
/// </summary>
public sealed record ServerSettings
{
    /// <summary>Holds the SQLite store, log files and the generated master key.</summary>
    public string DataDirectory { get; init; } = "./.outflow";

    /// <summary>Where the API listens; semicolon-separated URLs, port 0 picks a free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary><c>sqlite</c> for the embedded store in the data directory, or a PostgreSQL connection string (key=value or <c>postgresql://</c> URI).</summary>
    public string Store { get; init; } = "sqlite";

    /// <summary>The only directory that <c>sqlite</c> and <c>files</c> connections may touch; default: the data directory's <c>files/</c>.</summary>
    public string? FilesRoot { get; init; }

    /// <summary>
    /// Whether <c>webhook</c> connections may reach loopback, private, link-local and unspecified addresses; default false.
    /// </summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>On an empty store, the first organization's admin key gets this value.</summary>
    public string? BootstrapKey { get; init; }

    /// <summary>Base64 of 32 bytes; when unset, a key is generated into the data directory with mode 0600.</summary>
    public string? MasterKey { get; init; }

    /// <summary>How long the signed log download URLs stay valid. Default: 15 minutes.</summary>
    public TimeSpan LogUrlLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Sustained requests per second each API key may send; 0 turns rate limiting off. Default: 50.</summary>
    public int RateLimitPerSecond { get; init; } = 50;

    /// <summary>The largest burst of requests an API key may send at once; at least <see cref="RateLimitPerSecond"/>. Default: 100.</summary>
    public int RateLimitBurst { get; init; } = 100;

    /// <summary>How long the response of a request with an <c>Idempotency-Key</c> is replayed. Default: 24 hours.</summary>
    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The minimum time between the starts of two executions of a <c>continuous</c> sync. Default: 60 seconds.</summary>
    public TimeSpan ContinuousInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an execution's lease lasts without renewal: after a worker dies or pauses, another worker takes its
    /// execution over once this much time has passed since its last renewal. Default: 30 seconds.
    /// </summary>
    public TimeSpan ExecutionLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The maximum time written batches wait for their shared checkpoint, which advances the sync's state and the
    /// execution's counts. Zero checkpoints every batch. Default: 2 seconds.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often a process that executes syncs dispatches the created or queued executions, older than this interval,
    /// that no Quartz trigger covers. Default: 60 seconds.
    /// </summary>
    public TimeSpan RecoverySweepInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A point where the process kills itself with SIGKILL, as <c>NAME:OCCURRENCE</c>, to test crash recovery (see
    /// <see cref="Core.Diagnostics.CrashPoints"/>); unset, the default, arms none.
    /// </summary>
    public string? CrashPoint { get; init; }

    public string ResolvedDataDirectory => Path.GetFullPath(DataDirectory);

    public string ResolvedFilesRoot => Path.GetFullPath(FilesRoot ?? Path.Combine(ResolvedDataDirectory, "files"));
}
