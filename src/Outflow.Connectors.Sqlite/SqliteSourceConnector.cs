using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Outflow.Core.Connectors;
using SQLitePCL;

namespace Outflow.Connectors.Sqlite;

/// <summary>Reads models from a SQLite database file opened read-only.</summary>
internal sealed class SqliteSourceConnector(SqliteSettings settings, ILogger logger) : ISourceConnector
{
    // SQLite's own tables (sqlite_schema, sqlite_sequence, sqlite_stat1) are left out.
    private const string TablesQuery = """
        SELECT name FROM sqlite_schema
        WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
        ORDER BY name
        """;

    public async Task<IReadOnlyList<SourceTable>> ListTablesAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var tables = new List<SourceTable>();
        try
        {
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = TablesQuery;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(new SourceTable(reader.GetString(0), Schema: null));
            }
        }
        catch (SqliteException exception)
        {
            throw SqliteErrors.Wrap(exception, "listing tables failed");
        }

        return tables;
    }

    public async Task<IReadOnlyList<SourceColumn>> DescribeAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        return Describe(connection, source).Columns;
    }

    public async Task<ISourceReader> OpenReaderAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        try
        {
            var (columns, declaredTypes) = Describe(connection, source);
            var query = BuildQuery(source);

            // Microsoft.Data.Sqlite runs every statement of a command's text, so the text must be one read-only statement.
            Prepare(connection, query, source).Dispose();

            var command = connection.CreateCommand();
            command.CommandText = query;
            SqliteDataReader reader;
            try
            {
                reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException exception)
            {
                await command.DisposeAsync().ConfigureAwait(false);
                throw SqliteErrors.Wrap(exception, DescribeFailure(source));
            }

            Log.ReaderOpened(logger, columns.Count);
            return new SqliteSourceReader(
                connection,
                command,
                reader,
                columns,
                declaredTypes.Select(SqliteTypes.IsDecimal).ToArray(),
                declaredTypes.Select(SqliteTypes.IsBoolean).ToArray());
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string BuildQuery(ModelSource source) =>
        source.Query is not null

            // The line breaks keep a trailing "--" comment in the query from swallowing the closing parenthesis.
            ? $"SELECT * FROM (\n{source.Query.Trim().TrimEnd(';', ' ', '\t', '\r', '\n')}\n)"
            : "SELECT * FROM " + SqliteIdentifiers.Quote(source.Table!);

    private static string DescribeFailure(ModelSource source) =>
        source.Query is not null ? "the model query failed" : $"reading table {source.Table} failed";

    /// <summary>
    /// Prepares the model's query to read its columns' declared types. A column without one (an expression) takes
    /// the storage class of its value in the first row, or stays unknown when there is no row or the value is NULL.
    /// </summary>
    private static (IReadOnlyList<SourceColumn> Columns, string?[] DeclaredTypes) Describe(SqliteConnection connection, ModelSource source)
    {
        var database = connection.Handle!;
        var statement = Prepare(connection, BuildQuery(source) + " LIMIT 1", source);
        using (statement)
        {
            var count = raw.sqlite3_column_count(statement);
            var declaredTypes = new string?[count];
            var stepped = false;
            var hasRow = false;
            var columns = new SourceColumn[count];
            for (var i = 0; i < count; i++)
            {
                var name = raw.sqlite3_column_name(statement, i).utf8_to_string();
                var declared = raw.sqlite3_column_decltype(statement, i).utf8_to_string();
                declaredTypes[i] = string.IsNullOrEmpty(declared) ? null : declared;
                if (declaredTypes[i] is { } type)
                {
                    columns[i] = new SourceColumn(name, SqliteTypes.ToFieldType(type), type);
                    continue;
                }

                if (!stepped)
                {
                    stepped = true;
                    var step = raw.sqlite3_step(statement);
                    if (step is not raw.SQLITE_ROW and not raw.SQLITE_DONE)
                    {
                        throw new ConnectorException($"{DescribeFailure(source)}: {raw.sqlite3_errmsg(database).utf8_to_string()}");
                    }

                    hasRow = step == raw.SQLITE_ROW;
                }

                columns[i] = hasRow ? InferColumn(name, raw.sqlite3_column_type(statement, i)) : new SourceColumn(name, FieldType.Unknown, "");
            }

            return (columns, declaredTypes);
        }
    }

    private static SourceColumn InferColumn(string name, int storageClass) =>
        storageClass switch
        {
            raw.SQLITE_INTEGER => new SourceColumn(name, FieldType.Number, "INTEGER"),
            raw.SQLITE_FLOAT => new SourceColumn(name, FieldType.Number, "REAL"),
            raw.SQLITE_TEXT => new SourceColumn(name, FieldType.String, "TEXT"),
            raw.SQLITE_BLOB => new SourceColumn(name, FieldType.Binary, "BLOB"),
            _ => new SourceColumn(name, FieldType.Unknown, ""),
        };

    private static Task<SqliteConnection> OpenAsync(SqliteSettings settings, CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(settings, readOnly: true, cancellationToken);

    /// <summary>
    /// Compiles <paramref name="sql"/> with SQLite's own parser and checks that it is exactly one read-only
    /// statement. A model query that closes the wrapping parenthesis could otherwise add statements such as ATTACH.
    /// </summary>
    /// <exception cref="ConnectorException">The text does not compile, contains more than one statement, or can write.</exception>
    private static sqlite3_stmt Prepare(SqliteConnection connection, string sql, ModelSource source)
    {
        var database = connection.Handle!;
        var result = raw.sqlite3_prepare_v2(database, sql, out var statement, out var tail);
        if (result != raw.SQLITE_OK)
        {
            var message = raw.sqlite3_errmsg(database).utf8_to_string();
            statement.Dispose();
            throw new ConnectorException($"{DescribeFailure(source)}: {message}");
        }

        if (!SqliteStatementText.IsEmpty(tail))
        {
            statement.Dispose();
            throw new ConnectorException(
                $"{DescribeFailure(source)}: a model query must be a single SELECT statement; " +
                "remove the other statements, such as ATTACH, and the semicolons between them");
        }

        if (raw.sqlite3_stmt_readonly(statement) == 0)
        {
            statement.Dispose();
            throw new ConnectorException($"{DescribeFailure(source)}: a model query must only read; remove the statement that writes");
        }

        return statement;
    }
}
