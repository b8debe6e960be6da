using System.Data.Common;

namespace Outflow.Core.Connectors;

/// <summary>
/// A source reader that streams a model's rows from an ADO.NET data reader inside an open read-only transaction. It
/// owns the connection, the transaction, the command and the data reader, and disposes of all four. A subclass
/// converts each value and classifies its driver's exceptions.
/// </summary>
public abstract class DatabaseSourceReader<TReader>(
    DbConnection connection,
    DbTransaction transaction,
    DbCommand command,
    TReader reader,
    IReadOnlyList<SourceColumn> columns) : ISourceReader
    where TReader : DbDataReader
{
    private bool _finished;

    public IReadOnlyList<SourceColumn> Columns => columns;

    protected TReader Reader => reader;

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var hasRow = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _finished = !hasRow;
            return hasRow;
        }
        catch (Exception exception) when (IsDatabaseFailure(exception))
        {
            throw Wrap(exception, "reading the model's rows failed");
        }
    }

    /// <summary>Copies the row's values, with null for SQL NULL and <see cref="ReadValue"/> for every other value.</summary>
    public void GetValues(object?[] values)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : ReadValue(i);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            // Disposing a reader reads the remaining rows to the end, so an abandoned read is canceled on the server first.
            try
            {
                command.Cancel();
            }
            catch (Exception exception) when (IsIgnoredCancelFailure(exception))
            {
            }
        }

        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (IsDatabaseFailure(exception) || exception is OperationCanceledException)
        {
            // The read is over either way; the connection is discarded below.
        }

        await command.DisposeAsync().ConfigureAwait(false);
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Returns true for the exceptions that report a failure of the server or the network, not a bug.</summary>
    protected abstract bool IsDatabaseFailure(Exception exception);

    /// <summary>Wraps a database failure in a <see cref="ConnectorException"/> that names <paramref name="action"/>.</summary>
    protected abstract ConnectorException Wrap(Exception exception, string action);

    /// <summary>
    /// Returns true for the exceptions of canceling an abandoned read that disposal ignores. By default these are the
    /// database failures.
    /// </summary>
    protected virtual bool IsIgnoredCancelFailure(Exception exception) => IsDatabaseFailure(exception);

    /// <summary>
    /// Reads the non-null value at <paramref name="ordinal"/> in its reader-contract form. A value without such a form
    /// becomes an <see cref="UnreadableValue"/>, so only its row fails as a record error.
    /// </summary>
    protected abstract object ReadValue(int ordinal);
}
