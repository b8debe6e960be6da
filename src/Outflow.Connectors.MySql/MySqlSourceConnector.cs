using System.Data;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.MySql;

/// <summary>Reads models from MySQL or MariaDB, each read in its own read-only, repeatable-read transaction.</summary>
internal sealed class MySqlSourceConnector(MySqlSettings settings, ILogger logger) : ISourceConnector
{
    // Tables and views the login can see, outside the system databases.
    private const string TablesQuery = """
        SELECT TABLE_SCHEMA, TABLE_NAME
        FROM information_schema.TABLES
        WHERE TABLE_SCHEMA NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')
        ORDER BY TABLE_SCHEMA, TABLE_NAME
        """;

    private readonly string _connectionString = settings.ToConnectionString();

    public async Task<IReadOnlyList<SourceTable>> ListTablesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var tables = new List<SourceTable>();
        try
        {
            var command = new MySqlCommand(TablesQuery, connection);
            await using var commandScope = command.ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var database = reader.GetString(0);
                tables.Add(new SourceTable(MySqlIdentifiers.ToObjectId(database, reader.GetString(1)), database));
            }
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, "listing tables failed");
        }

        return tables;
    }

    public async Task<IReadOnlyList<SourceColumn>> DescribeAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var query = BuildQuery(source, rowLimit: 0);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await BeginReadOnlyAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        try
        {
            var command = new MySqlCommand(query, connection, transaction);
            await using var commandScope = command.ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return DescribeColumns(reader).Columns;
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, DescribeFailure(source));
        }
    }

    public async Task<ISourceReader> OpenReaderAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var query = BuildQuery(source, rowLimit: null);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        MySqlTransaction? transaction = null;
        MySqlCommand? command = null;
        try
        {
            transaction = await BeginReadOnlyAsync(connection, cancellationToken).ConfigureAwait(false);
            command = new MySqlCommand(query, connection, transaction);

            // MySqlConnector streams rows from the socket as they are read, so memory stays bounded.
            MySqlDataReader reader;
            try
            {
                reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
            {
                throw MySqlErrors.Wrap(exception, DescribeFailure(source));
            }

            var (columns, kinds) = DescribeColumns(reader);
            Log.ReaderOpened(logger, settings.Hostname, settings.Database, columns.Count);
            return new MySqlSourceReader(connection, transaction, command, reader, columns, kinds);
        }
        catch
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Builds the statement that reads the model. A query is wrapped as a derived table, and a semicolon outside its
    /// literals and comments is rejected, because MySqlConnector would send the text as several statements and a second
    /// one could end the read-only transaction and write.
    /// </summary>
    /// <exception cref="ConnectorException">The query contains more than one statement.</exception>
    private string BuildQuery(ModelSource source, long? rowLimit)
    {
        var limit = rowLimit is null ? "" : $" LIMIT {rowLimit.Value}";
        if (source.Query is null)
        {
            var (database, table) = MySqlIdentifiers.SplitObjectId(source.Table!, settings.Database);
            return "SELECT * FROM " + MySqlIdentifiers.QuoteObject(database, table) + limit;
        }

        var query = source.Query.Trim().TrimEnd(';', ' ', '\t', '\r', '\n');
        if (MySqlStatementText.FindStatementSeparator(query) >= 0)
        {
            throw new ConnectorException(
                "the model query failed: a model query must be a single SELECT statement; " +
                "remove the other statements and the semicolons between them");
        }

        // The line breaks keep a trailing "--" or "#" comment in the query from swallowing the closing parenthesis.
        return $"SELECT * FROM (\n{query}\n) AS outflow_model{limit}";
    }

    private static string DescribeFailure(ModelSource source) =>
        source.Query is not null ? "the model query failed" : $"reading table {source.Table} failed";

    private static (IReadOnlyList<SourceColumn> Columns, MySqlValueKind[] Kinds) DescribeColumns(MySqlDataReader reader)
    {
        var schema = reader.GetColumnSchema();
        var columns = new SourceColumn[schema.Count];
        var kinds = new MySqlValueKind[schema.Count];
        for (var i = 0; i < schema.Count; i++)
        {
            var column = (MySqlDbColumn)schema[i];
            columns[i] = new SourceColumn(column.ColumnName, MySqlTypes.ToFieldType(column.ProviderType), DescribeType(column));
            kinds[i] = MySqlTypes.ToValueKind(column.ProviderType);
        }

        return (columns, kinds);
    }

    /// <summary>
    /// Names a column's type as information_schema's COLUMN_TYPE does for the common cases, such as <c>decimal(10,2)</c>
    /// and <c>bigint unsigned</c>. A new target table picks its column type from this name, and PostgreSQL reads a bare
    /// <c>timestamp</c> as a time without zone. So DATETIME (no zone) and TIMESTAMP (an instant) get the SQL standard
    /// names <c>timestamp without time zone</c> and <c>timestamp with time zone</c>.
    /// </summary>
    private static string DescribeType(MySqlDbColumn column)
    {
        var name = (column.DataTypeName ?? "unknown").ToLowerInvariant();
        return column.ProviderType switch
        {
            MySqlDbType.Decimal or MySqlDbType.NewDecimal => $"{name}({column.NumericPrecision},{column.NumericScale})",
            MySqlDbType.Bool => "tinyint(1)",
            MySqlDbType.UByte or MySqlDbType.UInt16 or MySqlDbType.UInt24 or MySqlDbType.UInt32 or MySqlDbType.UInt64 => name + " unsigned",
            MySqlDbType.DateTime => "timestamp without time zone",
            MySqlDbType.Timestamp => "timestamp with time zone",
            _ => name,
        };
    }

    private Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        MySqlConnections.OpenForReadingAsync(settings, _connectionString, cancellationToken);

    private static async Task<MySqlTransaction> BeginReadOnlyAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, isReadOnly: true, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (MySqlErrors.IsDatabaseFailure(exception))
        {
            throw MySqlErrors.Wrap(exception, "starting a read-only transaction failed");
        }
    }
}
