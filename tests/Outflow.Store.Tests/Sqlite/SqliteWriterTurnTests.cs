using System.Data.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Outflow.Store.Sqlite;

namespace Outflow.Store.Tests.Sqlite;

/// <summary>
/// The writers of one process take turns on the SQLite store, so a writer behind a long transaction waits for its
/// turn instead of failing with SQLITE_BUSY when the busy timeout runs out.
/// </summary>
public sealed class SqliteWriterTurnTests : IDisposable
{
    private const int Writers = 8;

    private readonly string _directory = Directory.CreateTempSubdirectory("outflow-writer-turns-").FullName;

    [Fact]
    public async Task Writers_wait_past_busy_timeout()
    {
        var database = await CreateDatabaseAsync();
        var holder = await database.OpenWriteAsync(CancellationToken.None);
        var transaction = await database.BeginWriteAsync(holder, CancellationToken.None);
        await InsertAsync(holder, transaction, 0);

        var writers = Enumerable.Range(1, Writers).Select(value => Task.Run(async () =>
        {
            await using var connection = await database.OpenWriteAsync(CancellationToken.None);
            await InsertAsync(connection, null, value);
        })).ToList();

        // Three busy timeouts: a writer that raced for the lock in SQLite's busy handler has failed by now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.All(writers, writer => Assert.False(writer.IsCompleted, $"a writer ended while the lock was held: {writer.Exception}"));

        await transaction.CommitAsync();
        await transaction.DisposeAsync();
        await holder.DisposeAsync();
        await Task.WhenAll(writers);

        Assert.Equal(Writers + 1, await CountAsync(database));
    }

    [Fact]
    public async Task Closing_connection_passes_turn()
    {
        var database = await CreateDatabaseAsync();
        await using (var first = await database.OpenWriteAsync(CancellationToken.None))
        {
            await InsertAsync(first, null, 1);
        }

        // Without the turn passed on, this waits six busy timeouts and throws TimeoutException.
        await using (var second = await database.OpenWriteAsync(CancellationToken.None))
        {
            await InsertAsync(second, null, 2);
        }

        Assert.Equal(2, await CountAsync(database));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Creates a store file with a one-second busy timeout and a table <c>t</c>.</summary>
    private async Task<SqliteDatabase> CreateDatabaseAsync()
    {
        var database = new SqliteDatabase(
            Path.Combine(_directory, "outflow.db"), NullLogger<SqliteDatabase>.Instance, busyTimeoutSeconds: 1);
        await database.PrepareAsync(CancellationToken.None);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (value INTEGER NOT NULL)";
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        return database;
    }

    private static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, int value)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO t (value) VALUES ($value)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "$value";
        parameter.Value = value;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static async Task<long> CountAsync(SqliteDatabase database)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        return (long)(await command.ExecuteScalarAsync(CancellationToken.None))!;
    }
}
