using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.PostgreSql;

/// <summary>Reads models from PostgreSQL, each read in its own read-only, repeatable-read transaction.</summary>
internal sealed class PostgreSqlSourceConnector(PostgreSqlSettings settings, ILogger logger) : ISourceConnector
{
    // Tables, partitioned tables, views, materialized views and foreign tables that the login may read, outside the
    // system schemas. Partitions are left out because their parent table reads them.
    private const string TablesQuery = """
        SELECT n.nspname, c.relname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
          AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
          AND has_table_privilege(c.oid, 'SELECT')
        ORDER BY n.nspname, c.relname
        """;

    private readonly string _connectionString = settings.ToConnectionString();

    public async Task<IReadOnlyList<SourceTable>> ListTablesAsync(CancellationToken cancellationToken)
    {
        var connection = await PostgreSqlConnections.OpenAsync(settings, _connectionString, cancellationToken)
            .ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var tables = new List<SourceTable>();
        try
        {
            var command = new NpgsqlCommand(TablesQuery, connection);
            await using var commandScope = command.ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var schema = reader.GetString(0);
                tables.Add(new SourceTable(PostgreSqlIdentifiers.ToObjectId(schema, reader.GetString(1)), schema));
            }
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw PostgreSqlErrors.Wrap(exception, "listing tables failed");
        }

        return tables;
    }

    public async Task<IReadOnlyList<SourceColumn>> DescribeAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await OpenReadOnlyAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var (columns, _) = await DescribeAsync(connection, transaction, source, cancellationToken).ConfigureAwait(false);
        return columns;
    }

    public async Task<ISourceReader> OpenReaderAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await OpenReadOnlyAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlCommand? command = null;
        try
        {
            var (columns, kinds) = await DescribeAsync(connection, transaction, source, cancellationToken).ConfigureAwait(false);

            // Columns without a native mapping are sent by the server in text format, which Npgsql returns as strings.
            command = CreateQueryCommand(source, rowLimit: null, connection, transaction);
            command.UnknownResultTypeList = kinds.Select(kind => kind == PostgreSqlValueKind.TextForm).ToArray();
            NpgsqlDataReader reader;
            try
            {
                reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
            {
                throw WrapQueryFailure(exception, source);
            }

            Log.ReaderOpened(logger, settings.Hostname, settings.Database, columns.Count);
            return new PostgreSqlSourceReader(connection, transaction, command, reader, columns, kinds);
        }
        catch
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Opens a session and starts a read-only transaction on it. A pooled session that the server ended while it was
    /// idle, in a restart or with <c>pg_terminate_backend</c>, fails the start; the pool's idle sessions are then
    /// discarded and the start runs once more on a new session.
    /// </summary>
    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenReadOnlyAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = await PostgreSqlConnections.OpenAsync(settings, _connectionString, cancellationToken).ConfigureAwait(false);
            try
            {
                return (connection, await BeginReadOnlyAsync(connection, cancellationToken).ConfigureAwait(false));
            }
            catch (ConnectorException exception) when (attempt == 1 && exception.InnerException is { } cause
                && PostgreSqlErrors.EndedSession(cause))
            {
                PostgreSqlConnections.DiscardIdleIfEnded(_connectionString, cause);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Creates the command that reads the model, returning at most <paramref name="rowLimit"/> rows (all when null).
    /// The row limit travels as a positional parameter, which makes Npgsql (10.x) send the text unchanged as one
    /// extended-protocol statement, and PostgreSQL rejects such a text when it contains several statements. Without
    /// parameters Npgsql splits the text at semicolons and runs each part, so a query that closes the parenthesis
    /// could append COMMIT and a write.
    /// </summary>
    private static NpgsqlCommand CreateQueryCommand(
        ModelSource source, long? rowLimit, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var command = new NpgsqlCommand(BuildQuery(source) + " LIMIT $1", connection, transaction);

        // LIMIT NULL means no limit.
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)rowLimit ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        return command;
    }

    private static string BuildQuery(ModelSource source)
    {
        if (source.Query is not null)
        {
            // The line breaks keep a trailing "--" comment in the query from swallowing the closing parenthesis.
            return $"SELECT * FROM (\n{TrimQuery(source.Query)}\n) AS outflow_model";
        }

        var (schema, table) = PostgreSqlIdentifiers.SplitObjectId(source.Table!);
        return "SELECT * FROM " + PostgreSqlIdentifiers.QuoteObject(schema, table);
    }

    private static string TrimQuery(string query) => query.Trim().TrimEnd(';', ' ', '\t', '\r', '\n');

    private static string DescribeFailure(ModelSource source) =>
        source.Query is not null ? "the model query failed" : $"reading table {source.Table} failed";

    private static ConnectorException WrapQueryFailure(Exception exception, ModelSource source)
    {
        // PostgreSQL reports several statements in one extended-protocol query as a syntax error with this text.
        // NOTE: a server with non-English lc_messages gets the generic message below, which still quotes the server's.
        if (exception is PostgresException { SqlState: PostgresErrorCodes.SyntaxError } postgres
            && postgres.MessageText.Contains("multiple commands", StringComparison.Ordinal))
        {
            return new ConnectorException(
                $"{DescribeFailure(source)}: a model query must be a single SELECT statement; " +
                "remove the other statements and the semicolons between them",
                isTransient: false,
                exception);
        }

        return PostgreSqlErrors.Wrap(exception, DescribeFailure(source));
    }

    private static async Task<NpgsqlTransaction> BeginReadOnlyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Npgsql has no read-only flag on BeginTransaction, so the access mode is set as the transaction's first statement.
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        try
        {
            var command = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
            await using var commandScope = command.ConfigureAwait(false);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw PostgreSqlErrors.Wrap(exception, "starting a read-only transaction failed");
        }
    }

    private static async Task<(IReadOnlyList<SourceColumn> Columns, PostgreSqlValueKind[] Kinds)> DescribeAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        ModelSource source,
        CancellationToken cancellationToken)
    {
        try
        {
            var command = CreateQueryCommand(source, rowLimit: 0, connection, transaction);
            await using var commandScope = command.ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            var columns = new SourceColumn[reader.FieldCount];
            var kinds = new PostgreSqlValueKind[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var type = reader.GetPostgresType(i);
                // Npgsql writes "numeric(10, 2)"; the catalog's format_type writes "numeric(10,2)", which targets report too.
                var remoteType = reader.GetDataTypeName(i).Replace(", ", ",", StringComparison.Ordinal);
                columns[i] = new SourceColumn(reader.GetName(i), PostgreSqlTypes.ToFieldType(type), remoteType);
                kinds[i] = PostgreSqlTypes.ToValueKind(type);
            }

            return (columns, kinds);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsDatabaseFailure(exception))
        {
            throw WrapQueryFailure(exception, source);
        }
    }
}
