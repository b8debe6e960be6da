using System.Data.Common;

namespace Outflow.Store;

/// <summary>
/// The dialect-specific part of the store: how to open connections and write transactions, and the
/// schema scripts. The stores' queries are written in SQL that SQLite and PostgreSQL both accept.
/// </summary>
internal interface IStoreDatabase
{
    /// <summary>A description for logs that contains no secret.</summary>
    string Description { get; }

    /// <summary>DDL that creates the <c>schema_migrations</c> table when it does not exist.</summary>
    string MigrationsTableSql { get; }

    /// <summary>Schema scripts in ascending version order. A released script must never change.</summary>
    IReadOnlyList<StoreMigration> Migrations { get; }

    /// <summary>
    /// Text appended to a SELECT inside a write transaction to lock the rows it returns until the transaction
    /// ends. It is empty where the write transaction already excludes every other writer.
    /// </summary>
    string LockRowsClause { get; }

    /// <summary>Prepares the database once per process before migrations, e.g. the file's directory and journal mode.</summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Opens a new connection with the session settings every operation relies on.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connection for an operation that writes. Where the database has a single writer (SQLite), the
    /// process's writers wait here for their turn, in order, and each keeps it until it closes the connection.
    /// </summary>
    Task<DbConnection> OpenWriteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins a transaction that takes the write lock at once, so that concurrent writers wait for each other
    /// instead of failing when a read lock would be upgraded.
    /// </summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Limits how long each later statement of the transaction waits for a lock. A statement that waits longer fails
    /// with an error that <see cref="IsLockTimeout"/> recognizes. Does nothing where writers take turns before their
    /// transaction begins (SQLite), because their wait is bounded there.
    /// </summary>
    Task SetLockTimeoutAsync(DbConnection connection, DbTransaction transaction, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the write transactions that pass the same <paramref name="resource"/> take turns, each until it ends. A
    /// transaction waits at most <paramref name="timeout"/> for its turn, as <see cref="SetLockTimeoutAsync"/> sets it
    /// for the rest of the transaction. No row of the store is locked, so the turn never delays a claim or a status
    /// change of an execution. Does nothing where the write transaction already excludes every other writer.
    /// </summary>
    Task TakeTurnAsync(
        DbConnection connection, DbTransaction transaction, string resource, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Returns whether <paramref name="exception"/> reports a statement that waited for a lock longer than allowed.</summary>
    bool IsLockTimeout(Exception exception);

    /// <summary>
    /// Takes a lock that keeps other processes from migrating the same database until the result is disposed.
    /// </summary>
    Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken cancellationToken);
}
