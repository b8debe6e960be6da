using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Outflow.Store.Sqlite;

/// <summary>
/// The store in one SQLite file: WAL journal so readers never block the writer, foreign keys enforced, and a
/// busy timeout so that a writer waits for the lock instead of failing with SQLITE_BUSY.
/// </summary>
/// <remarks>
/// The writers of this process also take turns in a queue (<see cref="OpenWriteAsync"/>). SQLite's busy handler
/// only sleeps and retries, so it serves waiting writers in no order, and each waits on a blocked thread. Under
/// sustained writes (bench/load.sh: 50 API clients while four syncs executed) some writers then waited past the
/// busy timeout, and their requests failed with "database is locked". The busy timeout now covers the writers of
/// other processes and Quartz's connections, which do not take turns.
/// </remarks>
internal sealed class SqliteDatabase : IStoreDatabase
{
    /// <summary>A writer's wait for its turn, in busy timeouts: turns go in order, so waiting longer means an overloaded store.</summary>
    private const int TurnTimeoutInBusyTimeouts = 6;

    private readonly string _connectionString;
    private readonly string _sessionSql;
    private readonly TimeSpan _turnTimeout;
    private readonly SemaphoreSlim _writerTurn = new(1, 1);
    private readonly ILogger<SqliteDatabase> _logger;

    public SqliteDatabase(string path, ILogger<SqliteDatabase> logger)
        : this(path, logger, StoreConnectionStrings.SqliteBusyTimeoutSeconds)
    {
    }

    /// <summary>Creates the database with another busy timeout, which tests shorten.</summary>
    internal SqliteDatabase(string path, ILogger<SqliteDatabase> logger, int busyTimeoutSeconds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(busyTimeoutSeconds);
        FilePath = Path.GetFullPath(path);
        _logger = logger;
        _connectionString = StoreConnectionStrings.ForSqlite(FilePath, busyTimeoutSeconds);
        _sessionSql = $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {busyTimeoutSeconds * 1000};";
        _turnTimeout = TimeSpan.FromSeconds(busyTimeoutSeconds * TurnTimeoutInBusyTimeouts);
    }

    public string FilePath { get; }

    public string Description => "sqlite:" + FilePath;

    public string MigrationsTableSql => SqliteMigrations.MigrationsTable;

    public IReadOnlyList<StoreMigration> Migrations => SqliteMigrations.All;

    // BEGIN IMMEDIATE already holds the database's only write lock until the transaction ends.
    public string LockRowsClause => "";

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // The journal mode is stored in the file, so setting it once per start covers every later connection.
        using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), null) ?? "";
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            Log.JournalModeNotWal(_logger, FilePath, mode);
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = _sessionSql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits without blocking a thread until no other writer of this process holds a connection from here, then
    /// opens one. The next writer's turn starts when this connection closes.
    /// </summary>
    /// <exception cref="TimeoutException">The turn did not come within six busy timeouts.</exception>
    public async Task<DbConnection> OpenWriteAsync(CancellationToken cancellationToken)
    {
        if (!await _writerTurn.WaitAsync(_turnTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException(
                $"waiting for a write turn on the store {FilePath} timed out after {_turnTimeout.TotalSeconds} s; " +
                "the store is overloaded by writers of this process");
        }

        DbConnection connection;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _writerTurn.Release();
            throw;
        }

        // Dispose closes an open connection, so this also runs when the caller disposes it.
        var released = 0;
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed && Interlocked.Exchange(ref released, 1) == 0)
            {
                _writerTurn.Release();
            }
        };
        return connection;
    }

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // deferred: false issues BEGIN IMMEDIATE.
        DbTransaction transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
        return Task.FromResult(transaction);
    }

    // Writers of this process wait for their turn before BEGIN IMMEDIATE, and the busy timeout bounds the wait for
    // other processes, so no statement inside the transaction waits for a lock.
    public Task SetLockTimeoutAsync(DbConnection connection, DbTransaction transaction, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }

    // BEGIN IMMEDIATE already gives each write transaction a turn of its own.
    public Task TakeTurnAsync(
        DbConnection connection, DbTransaction transaction, string resource, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }

    public bool IsLockTimeout(Exception exception) => false;

    // Each migration runs in a BEGIN IMMEDIATE transaction and checks schema_migrations inside it, which
    // already makes concurrent migrations of one file apply each script once.
    public Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IAsyncDisposable>(NoLock.Instance);
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
