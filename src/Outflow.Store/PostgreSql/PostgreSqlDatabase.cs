using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Outflow.Store.PostgreSql;

/// <summary>
/// The store in a PostgreSQL database that several Outflow processes may share. Write transactions run at
/// READ COMMITTED and keep the store's invariants with row locks and conditional updates instead of one
/// global write lock:
/// <list type="bullet">
/// <item>Creating an execution first locks the sync's row with <c>SELECT ... FOR UPDATE</c>, so two
/// processes creating an execution for one sync queue up on that row. The second runs its next statement
/// with a new snapshot after the first commits, so it sees the execution the first created.</item>
/// <item>A status transition is one <c>UPDATE ... WHERE id = @Id AND status IN (...)</c>. PostgreSQL
/// makes a concurrent UPDATE of the same row wait and then re-checks its WHERE clause on the committed row,
/// so of two racing transitions only one can match.</item>
/// <item>A checkpoint's count update and state writes are one transaction, so they commit or roll back together.</item>
/// <item>A transaction that locks an execution's row sends every statement that may not fit in one socket write
/// before it takes that lock (see the constructor). A log file's insert takes only its foreign key's share lock on
/// the row, which claims and checkpoints do not wait for, though deleting the execution does.</item>
/// </list>
/// Serialization failures, deadlocks and lost connections surface as <see cref="NpgsqlException"/>; nothing retries them here.
/// </summary>
internal sealed class PostgreSqlDatabase : IStoreDatabase, IAsyncDisposable, IDisposable
{
    /// <summary>Session advisory lock key that serializes migrations: ASCII "OUTFLOWM" read as a 64-bit integer.</summary>
    private const long MigrationLockKey = 0x4F5554464C4F574D;

    /// <summary>How long a session may stay idle inside a transaction before PostgreSQL ends it.</summary>
    private const int IdleInTransactionTimeoutMilliseconds = 10_000;

    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlDatabase(string connectionString)
    {
        var builder = PostgreSqlConnectionString.Parse(connectionString);
        Description = PostgreSqlConnectionString.Describe(builder);

        // A process paused inside a transaction (SIGSTOP, a long GC pause) would keep its row locks and block the
        // claim of the worker that takes its execution over. PostgreSQL ends such a session after 10 s, and the
        // paused process's commit then fails. Settings in the operator's own Options come later and win.
        // The timeout covers only a session that waits for its next statement. A process paused in the middle of
        // sending a statement leaves the server waiting for the rest of it, and PostgreSQL 15 counts that session
        // as active. No timeout ends it: not this one, not statement_timeout, and not TCP keepalives, which the
        // paused process's kernel still acknowledges. Such a session keeps its locks until the process resumes,
        // so every store transaction that locks an execution's row sends its large statements before that lock.
        builder.Options = $"-c idle_in_transaction_session_timeout={IdleInTransactionTimeoutMilliseconds} {builder.Options}".TrimEnd();
        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public string Description { get; }

    public string MigrationsTableSql => PostgreSqlMigrations.MigrationsTable;

    public IReadOnlyList<StoreMigration> Migrations => PostgreSqlMigrations.All;

    public string LockRowsClause => " FOR UPDATE";

    public Task PrepareAsync(CancellationToken cancellationToken)
    {
        // The operator creates the database and its role, and the migrations create everything inside it.
        cancellationToken.ThrowIfCancellationRequested();
        return Task.CompletedTask;
    }

    // NOTE: Npgsql does not check a pooled session before it hands it out. After the network or the server dropped the
    // store's sessions, each dropped one fails the first command sent on it, so an API request can fail with 500.
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    // PostgreSQL locks rows, so writers need no turns.
    public Task<DbConnection> OpenWriteAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a session advisory lock so that processes starting at once run the migrations one after another.
    /// Without it, two concurrent <c>CREATE TABLE IF NOT EXISTS</c> can both pass the existence check and one
    /// fails on the catalog's unique index.
    /// </summary>
    public async Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await RunAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken).ConfigureAwait(false);
        return new MigrationLock(connection);
    }

    public async Task SetLockTimeoutAsync(
        DbConnection connection, DbTransaction transaction, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // SET LOCAL ends with the transaction, so the pooled session keeps no trace of it.
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = LockTimeoutSql(timeout);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a transaction-level advisory lock on a 64-bit key hashed from <paramref name="resource"/>. Two resources
    /// whose keys collide also take turns with each other, which only delays them.
    /// </summary>
    public async Task TakeTurnAsync(
        DbConnection connection, DbTransaction transaction, string resource, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // Npgsql sends both statements in one round trip.
        command.CommandText = LockTimeoutSql(timeout) + "; SELECT pg_advisory_xact_lock(@key)";
        var key = command.CreateParameter();
        key.ParameterName = "key";
        key.Value = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(resource)));
        command.Parameters.Add(key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public bool IsLockTimeout(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private static string LockTimeoutSql(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromMilliseconds(1));
        return string.Create(CultureInfo.InvariantCulture, $"SET LOCAL lock_timeout = {(long)timeout.TotalMilliseconds}");
    }

    private static async Task RunAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var key = command.CreateParameter();
        key.ParameterName = "key";
        key.Value = MigrationLockKey;
        command.Parameters.Add(key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the migration lock. A session that ends, e.g. a lost connection, releases it as well.</summary>
    private sealed class MigrationLock(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection.State == ConnectionState.Open)
            {
                await RunAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
