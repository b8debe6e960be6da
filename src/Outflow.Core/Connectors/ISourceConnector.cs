namespace Outflow.Core.Connectors;

/// <summary>Reads models from a source connection.</summary>
public interface ISourceConnector : IAsyncDisposable
{
    /// <summary>
    /// Lists the tables and views a model can read as <c>{"table": …}</c>, with ids as <see cref="ModelSource.Table"/>
    /// takes them (<c>schema.table</c> where the database has schemas), in schema and name order.
    /// </summary>
    /// <exception cref="ConnectorException">The database is unreachable or its catalog could not be read.</exception>
    Task<IReadOnlyList<SourceTable>> ListTablesAsync(CancellationToken cancellationToken);

    /// <summary>Runs the model without reading rows and returns its columns.</summary>
    /// <exception cref="ConnectorException">The query failed, or the table does not exist.</exception>
    Task<IReadOnlyList<SourceColumn>> DescribeAsync(ModelSource source, CancellationToken cancellationToken);

    /// <summary>
    /// Starts streaming the model's rows with bounded memory (a server-side cursor or the driver's
    /// row-by-row streaming, never OFFSET paging), in a read-only transaction where the database has one.
    /// </summary>
    Task<ISourceReader> OpenReaderAsync(ModelSource source, CancellationToken cancellationToken);
}
