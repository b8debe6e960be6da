using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Outflow.Store.Sqlite;

/// <summary>
/// The store in one SQLite file: WAL journal so readers never block the writer, foreign keys enforced, and a
/// busy timeout so that a writer waits for the lock instead of failing with SQLITE_BUSY.
/// </summary>
internal sealed class SqliteDatabase : IStoreDatabase
{
    private const int BusyTimeoutMilliseconds = StoreConnectionStrings.SqliteBusyTimeoutSeconds * 1000;

    private static readonly string SessionSql =
        $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";

    private readonly string _connectionString;
    private readonly ILogger<SqliteDatabase> _logger;

    public SqliteDatabase(string path, ILogger<SqliteDatabase> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        _logger = logger;
        _connectionString = StoreConnectionStrings.ForSqlite(FilePath);
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
            command.CommandText = SessionSql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // deferred: false issues BEGIN IMMEDIATE.
        DbTransaction transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
        return Task.FromResult(transaction);
    }

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
