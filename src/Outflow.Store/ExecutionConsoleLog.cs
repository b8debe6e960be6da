using System.Text.Json.Nodes;
using Dapper;
using Outflow.Core.Executions;
using Outflow.Store.Rows;

namespace Outflow.Store;

/// <summary>
/// Console log entries in the <c>execution_console_log</c> table. An append locks out other appends to the same
/// execution, so the id it computes from the execution's newest entry is unique and greater than every earlier id.
/// </summary>
internal sealed class ExecutionConsoleLog : IExecutionConsoleLog
{
    private const string SelectColumns = """
        SELECT timestamp_ms AS TimestampMs, sequence AS Sequence, level AS Level, message AS Message, payload AS Payload
        FROM execution_console_log
        """;

    /// <summary>
    /// How long an append waits for the previous append to the same execution. An append takes milliseconds, so a
    /// longer wait means a stalled writer, and the append fails instead of holding up the execution it reports on.
    /// </summary>
    private static readonly TimeSpan TurnTimeout = TimeSpan.FromSeconds(5);

    private readonly IStoreDatabase _database;
    private readonly int _retainedEntries;

    public ExecutionConsoleLog(IStoreDatabase database)
        : this(database, IExecutionConsoleLog.RetainedEntries)
    {
    }

    /// <summary>Creates a log that keeps <paramref name="retainedEntries"/> entries per execution, for tests of pruning.</summary>
    internal ExecutionConsoleLog(IStoreDatabase database, int retainedEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retainedEntries);
        _database = database;
        _retainedEntries = retainedEntries;
    }

    public async Task<ConsoleLogEntry> AppendAsync(
        Guid executionId, DateTimeOffset timestamp, string level, string message, JsonObject? payload,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(level);
        ArgumentNullException.ThrowIfNull(message);
        var id = StoreValues.ToText(executionId);
        using var connection = await _database.OpenWriteAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await _database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);

        // Concurrent appends to one execution take turns, so each reads the id the previous one wrote. The turn locks no
        // row of the execution, because an append paused while it sends a long message keeps its locks on PostgreSQL.
        await _database.TakeTurnAsync(connection, transaction, "execution_console_log:" + id, TurnTimeout, cancellationToken)
            .ConfigureAwait(false);
        var newest = await connection.QueryFirstOrDefaultAsync<ConsoleLogRow>(new CommandDefinition(
            SelectColumns + " WHERE execution_id = @ExecutionId ORDER BY timestamp_ms DESC, sequence DESC LIMIT 1",
            new { ExecutionId = id },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var milliseconds = StoreValues.ToUnixMilliseconds(timestamp);
        var cursor = newest is null || milliseconds > newest.TimestampMs
            ? new ConsoleLogCursor(milliseconds, 0)
            : new ConsoleLogCursor(newest.TimestampMs, newest.Sequence + 1);
        var payloadJson = payload?.ToJsonString();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO execution_console_log (execution_id, timestamp_ms, sequence, level, message, payload)
            VALUES (@ExecutionId, @TimestampMs, @Sequence, @Level, @Message, @Payload)
            """,
            new
            {
                ExecutionId = id,
                TimestampMs = cursor.UnixMilliseconds,
                Sequence = cursor.Sequence,
                Level = level,
                Message = message,
                Payload = payloadJson,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);

        // Everything older than the newest retained entry goes; with fewer entries the subquery is empty and nothing does.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM execution_console_log
            WHERE execution_id = @ExecutionId AND (timestamp_ms, sequence) < (
                SELECT timestamp_ms, sequence FROM execution_console_log
                WHERE execution_id = @ExecutionId
                ORDER BY timestamp_ms DESC, sequence DESC
                LIMIT 1 OFFSET @Offset)
            """,
            new { ExecutionId = id, Offset = _retainedEntries - 1 },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ConsoleLogEntry(
            cursor, StoreValues.ToInstant(cursor.UnixMilliseconds), level, message, ParsePayload(payloadJson));
    }

    public async Task<IReadOnlyList<ConsoleLogEntry>> ListAsync(
        Guid executionId, ConsoleLogCursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var parameters = new DynamicParameters();
        parameters.Add("ExecutionId", StoreValues.ToText(executionId));
        parameters.Add("Limit", limit);
        string sql;
        if (after is { } cursor)
        {
            sql = SelectColumns + """
                 WHERE execution_id = @ExecutionId AND (timestamp_ms, sequence) > (@AfterMs, @AfterSequence)
                ORDER BY timestamp_ms, sequence
                LIMIT @Limit
                """;
            parameters.Add("AfterMs", cursor.UnixMilliseconds);
            parameters.Add("AfterSequence", cursor.Sequence);
        }
        else
        {
            sql = SelectColumns + """
                 WHERE execution_id = @ExecutionId
                ORDER BY timestamp_ms DESC, sequence DESC
                LIMIT @Limit
                """;
        }

        using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ConsoleLogRow>(new CommandDefinition(
            sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var entries = rows.Select(ToEntry).ToList();
        if (after is null)
        {
            entries.Reverse();
        }

        return entries;
    }

    private static ConsoleLogEntry ToEntry(ConsoleLogRow row) => new(
        new ConsoleLogCursor(row.TimestampMs, row.Sequence),
        StoreValues.ToInstant(row.TimestampMs),
        row.Level,
        row.Message,
        ParsePayload(row.Payload));

    private static JsonObject? ParsePayload(string? json) =>
        json is null ? null : StoreJson.ParseObject(json, "execution_console_log.payload");
}
