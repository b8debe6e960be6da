using System.IO.Compression;
using Dapper;
using Outflow.Core.Executions;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>
/// Record log files in the <c>execution_log_files</c> table, one row per file with its content gzip-compressed.
/// JSON Lines logs repeat the same keys on every line, so they compress well.
/// </summary>
internal sealed class ExecutionLogStore(IStoreDatabase database) : IExecutionLogStore
{
    public async Task ReplaceAsync(Guid executionId, IReadOnlyList<ExecutionLogFileContent> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var id = StoreValues.ToText(executionId);
        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        // Locking the execution's row makes two processes that store the same execution's files take turns, and
        // makes the store fail when the execution does not exist.
        var locked = await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT id FROM executions WHERE id = @ExecutionId" + database.LockRowsClause,
            new { ExecutionId = id },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"execution {executionId} does not exist, so its log files cannot be stored");
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM execution_log_files WHERE execution_id = @ExecutionId",
            new { ExecutionId = locked },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);

        for (var ordinal = 0; ordinal < files.Count; ordinal++)
        {
            var file = files[ordinal].File;

            // NOTE: each file is compressed into memory before the insert, because Microsoft.Data.Sqlite takes no
            // stream parameter. A log file has at most 100,000 lines, so this stays within tens of megabytes.
            var content = await CompressAsync(files[ordinal].OpenContent, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO execution_log_files (execution_id, name, ordinal, type, records, bytes, content)
                VALUES (@ExecutionId, @Name, @Ordinal, @Type, @Records, @Bytes, @Content)
                """,
                new
                {
                    ExecutionId = locked,
                    file.Name,
                    Ordinal = ordinal,
                    file.Type,
                    file.Records,
                    file.Bytes,
                    Content = content,
                },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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
        using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // NOTE: the whole compressed file is read into memory, and decompressed as the caller reads the stream.
        var content = await connection.QueryFirstOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT content FROM execution_log_files WHERE execution_id = @ExecutionId AND name = @Name",
            new { ExecutionId = StoreValues.ToText(executionId), Name = name },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return content is null ? null : new GZipStream(new MemoryStream(content, writable: false), CompressionMode.Decompress);
    }

    private static async Task<byte[]> CompressAsync(Func<Stream> openContent, CancellationToken cancellationToken)
    {
        using var compressed = new MemoryStream();
        var source = openContent();
        await using (source.ConfigureAwait(false))
        {
            var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                await source.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
            }
        }

        return compressed.ToArray();
    }
}
