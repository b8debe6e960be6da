using Microsoft.Data.Sqlite;
using Outflow.Store.PostgreSql;

namespace Outflow.Store;

/// <summary>
/// Builds the ADO.NET connection strings the store opens, so that another component that keeps its tables in the
/// same database, such as Quartz's job store, connects with the same settings.
/// </summary>
public static class StoreConnectionStrings
{
    /// <summary>Seconds a SQLite command waits for the write lock before it fails with SQLITE_BUSY.</summary>
    public const int SqliteBusyTimeoutSeconds = 10;

    /// <summary>Returns a Microsoft.Data.Sqlite connection string for the database file at <paramref name="path"/>.</summary>
    public static string ForSqlite(string path) => ForSqlite(path, SqliteBusyTimeoutSeconds);

    /// <summary>Returns the connection string with another busy timeout, which tests shorten.</summary>
    internal static string ForSqlite(string path, int busyTimeoutSeconds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
    }

    /// <summary>
    /// Returns the Npgsql key=value form of a store setting that is a key=value string or a <c>postgresql://</c> URI.
    /// </summary>
    /// <exception cref="ArgumentException">The value is neither accepted form, or names no host or database.</exception>
    public static string ForPostgreSql(string value) => PostgreSqlConnectionString.Parse(value).ConnectionString;
}
