namespace Outflow.Core.Connections;

/// <summary>Connections of an organization. Every lookup is scoped by organization id.</summary>
public interface IConnectionStore
{
    Task<IReadOnlyList<Connection>> ListAsync(Guid organizationId, CancellationToken cancellationToken);

    Task<Connection?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);

    Task InsertAsync(Connection connection, CancellationToken cancellationToken);

    Task UpdateAsync(Connection connection, CancellationToken cancellationToken);

    /// <summary>Lists the models built on the connection and the syncs that read from or write to it.</summary>
    Task<ConnectionUsage> GetUsageAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the connection in one transaction, together with the models and syncs of
    /// <see cref="GetUsageAsync"/> (and their executions and state) when there are any.
    /// </summary>
    Task DeleteAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);
}
