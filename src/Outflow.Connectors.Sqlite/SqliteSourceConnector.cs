using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Outflow.Core.Connectors;
using SQLitePCL;

namespace Outflow.Connectors.Sqlite;

/// <summary>Reads models from a SQLite database file opened read-only.</summary>
internal sealed class SqliteSourceConnector(SqliteSettings settings, ILogger logger) : ISourceConnector
{
    public async Task<IReadOnlyList<SourceColumn>> DescribeAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        return Describe(connection, source).Columns;
    }

    public async Task<ISourceReader> OpenReaderAsync(ModelSource source, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (columns, declaredTypes) = Describe(connection, source);
            var command = connection.CreateCommand();
            command.CommandText = BuildQuery(source);
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
            return new SqliteSourceReader(connection, command, reader, columns, declaredTypes.Select(SqliteTypes.IsDecimal).ToArray());
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
        var result = raw.sqlite3_prepare_v2(database, BuildQuery(source) + " LIMIT 1", out var statement);
        using (statement)
        {
            if (result != raw.SQLITE_OK)
            {
                throw new ConnectorException($"{DescribeFailure(source)}: {raw.sqlite3_errmsg(database).utf8_to_string()}");
            }

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

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        SqliteErrors.EnsureFileExists(settings);
        var connection = new SqliteConnection(settings.ToConnectionString(readOnly: true));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException exception)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw SqliteErrors.Wrap(exception, $"opening SQLite database {settings.FullPath} failed");
        }
    }
}
