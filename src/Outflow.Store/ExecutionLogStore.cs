using System.Data;
using System.Data.Common;
using System.IO.Compression;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Outflow.Core.Executions;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>
/// Record log files in the <c>execution_log_files</c> table, one row per file with its content gzip-compressed.
/// JSON Lines logs repeat the same keys on every line, so they compress well. Contents are streamed in and out
/// (incremental blob I/O on SQLite, stream parameters and sequential reads on PostgreSQL), so storing or serving a
/// file takes the same memory whatever its size.
/// </summary>
internal sealed class ExecutionLogStore(IStoreDatabase database) : IExecutionLogStore
{
    public async Task ReplaceAsync(
        Guid executionId, string? leaseToken, IReadOnlyList<ExecutionLogFileContent> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var id = StoreValues.ToText(executionId);

        // Compressing takes far longer than inserting, and the SQLite store admits one writer at a time, so the files
        // are compressed before the transaction starts.
        var contents = await CompressAllAsync(files, cancellationToken).ConfigureAwait(false);
        try
        {
            using var connection = await database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
            using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

            // Two processes that store the same execution's files take turns. The turn locks no row of the execution,
            // because a process paused while it sends a file keeps its locks on PostgreSQL, and a lock on the execution's
            // row would keep another worker from claiming the execution.
            await database.TakeTurnAsync(connection, transaction, "execution_log_files:" + id, TurnTimeout, cancellationToken)
                .ConfigureAwait(false);
            var existingId = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
                "SELECT id FROM executions WHERE id = @ExecutionId",
                new { ExecutionId = id },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"execution {executionId} does not exist, so its log files cannot be stored");
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM execution_log_files WHERE execution_id = @ExecutionId",
                new { ExecutionId = existingId },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);

            for (var ordinal = 0; ordinal < files.Count; ordinal++)
            {
                // A compressed copy shared by two log files is read from its start for each.
                var content = contents[ordinal];
                content.Position = 0;
                var row = new ExecutionLogFileInsert(existingId, files[ordinal].File, ordinal, content);
                if (connection is NpgsqlConnection postgres)
                {
                    await InsertAsync(postgres, (NpgsqlTransaction)transaction, row, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await InsertAsync((SqliteConnection)connection, (SqliteTransaction)transaction, row, cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            // A worker can pause while it compresses, outside any transaction, and a new owner can finish the execution
            // and store its own files meanwhile. So the lease is checked last, and a stale worker stores nothing.
            if (leaseToken is not null && !await HoldsLeaseAsync(connection, transaction, existingId, leaseToken, cancellationToken).ConfigureAwait(false))
            {
                throw new LeaseLostException(
                    $"Cannot store the log files of execution {executionId}: its lease token no longer matches, because another " +
                    "worker claimed the execution after the lease expired. Nothing was stored.");
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAllAsync(contents).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<ExecutionLogFile>> ListAsync(Guid executionId, CancellationToken cancellationToken)
    {
        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ExecutionLogFileRow>(new CommandDefinition(
            """
            SELECT type AS Type, name AS Name, records AS Records, bytes AS Bytes
            FROM execution_log_files
            WHERE execution_id = @ExecutionId
            ORDER BY ordinal
            """,
            new { ExecutionId = StoreValues.ToText(executionId) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(row => new ExecutionLogFile(row.Type, row.Name, row.Records, row.Bytes)).ToList();
    }

    public async Task<Stream?> OpenAsync(Guid executionId, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var key = new { ExecutionId = StoreValues.ToText(executionId), Name = name };
            var content = connection is NpgsqlConnection postgres
                ? await OpenAsync(postgres, key.ExecutionId, key.Name, cancellationToken).ConfigureAwait(false)
                : await OpenAsync((SqliteConnection)connection, key.ExecutionId, key.Name, cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            return new GZipStream(content, CompressionMode.Decompress);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<bool> HoldsLeaseAsync(
        DbConnection connection, DbTransaction transaction, string executionId, string leaseToken, CancellationToken cancellationToken) =>
        await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT id FROM executions WHERE id = @ExecutionId AND lease_token = @LeaseToken",
            new { ExecutionId = executionId, LeaseToken = leaseToken },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false) is not null;

    /// <summary>
    /// Compresses each file into a temporary file, as many at once as the machine has cores. A file whose content
    /// equals an earlier file's gets that file's compressed copy: a run that only inserts writes the same lines to its
    /// records log and its inserts log.
    /// </summary>
    private static async Task<FileStream[]> CompressAllAsync(IReadOnlyList<ExecutionLogFileContent> files, CancellationToken cancellationToken)
    {
        var sameAs = new int[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            sameAs[i] = i;
            for (var earlier = 0; earlier < i && sameAs[i] == i; earlier++)
            {
                if (sameAs[earlier] == earlier
                    && files[earlier].File.Bytes == files[i].File.Bytes
                    && await SameContentAsync(files[earlier], files[i], cancellationToken).ConfigureAwait(false))
                {
                    sameAs[i] = earlier;
                }
            }
        }

        var contents = new FileStream[files.Count];
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(
                Enumerable.Range(0, files.Count).Where(i => sameAs[i] == i),
                parallel,
                async (i, token) => contents[i] = await CompressAsync(files[i].OpenContent, token).ConfigureAwait(false))
                .ConfigureAwait(false);
            for (var i = 0; i < files.Count; i++)
            {
                contents[i] = contents[sameAs[i]];
            }

            return contents;
        }
        catch
        {
            await DisposeAllAsync(contents).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<bool> SameContentAsync(
        ExecutionLogFileContent first, ExecutionLogFileContent second, CancellationToken cancellationToken)
    {
        var firstStream = first.OpenContent();
        await using (firstStream.ConfigureAwait(false))
        {
            var secondStream = second.OpenContent();
            await using (secondStream.ConfigureAwait(false))
            {
                var firstBuffer = new byte[CopyBufferSize];
                var secondBuffer = new byte[CopyBufferSize];
                while (true)
                {
                    var firstRead = await firstStream.ReadAtLeastAsync(firstBuffer, CopyBufferSize, throwOnEndOfStream: false, cancellationToken)
                        .ConfigureAwait(false);
                    var secondRead = await secondStream.ReadAtLeastAsync(secondBuffer, CopyBufferSize, throwOnEndOfStream: false, cancellationToken)
                        .ConfigureAwait(false);
                    if (firstRead != secondRead || !firstBuffer.AsSpan(0, firstRead).SequenceEqual(secondBuffer.AsSpan(0, firstRead)))
                    {
                        return false;
                    }

                    if (firstRead < CopyBufferSize)
                    {
                        return true;
                    }
                }
            }
        }
    }

    private static async Task DisposeAllAsync(FileStream?[] contents)
    {
        foreach (var content in contents.Distinct())
        {
            if (content is not null)
            {
                await content.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Compresses a log file into a temporary file that deletes itself when closed, so a file of any size is stored
    /// with a fixed amount of memory and its compressed length is known before the insert.
    /// </summary>
    private static async Task<FileStream> CompressAsync(Func<Stream> openContent, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"outflow-log-{Guid.NewGuid():N}.gz");
        var options = FileOptions.Asynchronous | (OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
        var compressed = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, CopyBufferSize, options);
        try
        {
            // On Unix the name goes at once and the open stream keeps the file, so no copy outlives a killed process.
            if (!OperatingSystem.IsWindows())
            {
                File.Delete(path);
            }

            var source = openContent();
            await using (source.ConfigureAwait(false))
            {
                var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
                await using (gzip.ConfigureAwait(false))
                {
                    await source.CopyToAsync(gzip, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                }
            }

            compressed.Position = 0;
            return compressed;
        }
        catch
        {
            await compressed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ExecutionLogFileInsert row, CancellationToken cancellationToken)
    {
        // The content goes to Npgsql as a stream parameter, so it is never copied into one array.
        using var command = new NpgsqlCommand(InsertSql("@content"), connection, transaction);
        AddColumns(command, row);
        command.Parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = row.Content });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertAsync(
        SqliteConnection connection, SqliteTransaction transaction, ExecutionLogFileInsert row, CancellationToken cancellationToken)
    {
        // The row is inserted with a blob of zeros of the right length, which SQLite's incremental blob I/O then
        // overwrites in place, inside the same transaction.
        long rowId;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = InsertSql("zeroblob(@length)") + " RETURNING rowid";
            AddColumns(command, row);
            command.Parameters.AddWithValue("@length", row.Content.Length);
            rowId = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        using var blob = new SqliteBlob(connection, "execution_log_files", "content", rowId);
        await row.Content.CopyToAsync(blob, CopyBufferSize, cancellationToken).ConfigureAwait(false);
    }

    private static string InsertSql(string content) =>
        $"""
        INSERT INTO execution_log_files (execution_id, name, ordinal, type, records, bytes, content)
        VALUES (@execution_id, @name, @ordinal, @type, @records, @bytes, {content})
        """;

    private static void AddColumns(DbCommand command, ExecutionLogFileInsert row)
    {
        Add(command, "@execution_id", row.ExecutionId);
        Add(command, "@name", row.File.Name);
        Add(command, "@ordinal", row.Ordinal);
        Add(command, "@type", row.File.Type);
        Add(command, "@records", row.File.Records);
        Add(command, "@bytes", row.File.Bytes);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<Stream?> OpenAsync(
        NpgsqlConnection connection, string executionId, string name, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            "SELECT content FROM execution_log_files WHERE execution_id = @execution_id AND name = @name", connection);
        command.Parameters.AddWithValue("execution_id", executionId);
        command.Parameters.AddWithValue("name", name);

        // Sequential access streams the column from the network as the caller reads it.
        var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken)
            .ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            await command.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        return new OwningStream(reader.GetStream(0), reader, command, connection);
    }

    private static async Task<Stream?> OpenAsync(
        SqliteConnection connection, string executionId, string name, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM execution_log_files WHERE execution_id = @execution_id AND name = @name";
        command.Parameters.AddWithValue("@execution_id", executionId);
        command.Parameters.AddWithValue("@name", name);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long rowId)
        {
            return null;
        }

        // NOTE: the open blob keeps a read transaction until the stream is disposed, so a slow download keeps the WAL
        // from being checkpointed past it, and the WAL file grows while executions write.
        return new OwningStream(new SqliteBlob(connection, "execution_log_files", "content", rowId, readOnly: true), connection);
    }

    private const int CopyBufferSize = 81_920;

    /// <summary>
    /// How long storing waits for another process that stores the same execution's files, which happens only after a
    /// takeover. Past that, storing fails and the files stay in the data directory of the process that wrote them.
    /// </summary>
    private static readonly TimeSpan TurnTimeout = TimeSpan.FromSeconds(10);

    private sealed record ExecutionLogFileInsert(string ExecutionId, ExecutionLogFile File, int Ordinal, FileStream Content);
}
